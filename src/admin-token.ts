import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where `serve` keeps the generated admin token, and where client commands read it (a module of its own, so they need not load the server). */
export function adminTokenFile(dataDir: string): string {
  return join(resolve(dataDir), 'admin-token');
}

/** The admin token: the configured one, else the one generated on first start and kept in the data directory. */
export function adminTokenFor(configured: string | undefined, dataDir: string): { token: string; created: boolean } {
  if (configured) return { token: configured, created: false };
  const file = adminTokenFile(dataDir);
  if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), created: false };
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, created: true };
}
