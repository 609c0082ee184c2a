import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where `serve` keeps the generated admin token, and where client commands read it (a module of its own, so they need not load the server). */
export function adminTokenFile(dataDir: string): string {
  return join(resolve(dataDir), 'admin-token');
}

/**
 * The admin token: the configured one, else the one kept in the data directory, else a new one (`created`). A new
 * one is kept by `saveAdminToken` only once the start succeeded: kept by a start that then failed (its port taken),
 * it was never shown, and the next start, finding it, did not show it either.
 */
export function adminTokenFor(configured: string | undefined, dataDir: string): { token: string; created: boolean } {
  if (configured) return { token: configured, created: false };
  const file = adminTokenFile(dataDir);
  if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), created: false };
  return { token: randomBytes(24).toString('base64url'), created: true };
}

/** Keeps a generated admin token where client commands read it (readable by its owner only). */
export function saveAdminToken(dataDir: string, token: string): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(adminTokenFile(dataDir), `${token}\n`, { mode: 0o600 });
}
