import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The version in Quorum's package.json: beside dist/ when built (dist/src/cli), or above src/cli from the sources. */
export function quorumVersion(): string {
  for (const relative of ['../../../package.json', '../../package.json']) {
    const file = fileURLToPath(new URL(relative, import.meta.url));
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === 'quorum' && manifest.version) return manifest.version;
  }
  return 'unknown';
}
