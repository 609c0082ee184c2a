import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Starts PostgreSQL and Redis (scripts/services.sh) once for the whole run, unless the caller already
 * named them, and hands their URLs to the test workers through the environment.
 */
export default function setup(): void {
  if (process.env.QUORUM_TEST_DATABASE_URL && process.env.QUORUM_TEST_REDIS_URL) return;
  const script = fileURLToPath(new URL('../scripts/services.sh', import.meta.url));
  const output = execFileSync('sh', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  for (const match of output.matchAll(/^export (\w+)=(.*)$/gm)) {
    if (match[1] && match[2]) process.env[match[1]] = match[2];
  }
}
