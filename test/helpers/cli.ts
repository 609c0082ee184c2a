import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { refusalPattern, refusedList } from '../offline-guard-core.mjs';

/** The built CLI, as a user runs it (`npm test` builds it first through scripts/setup.sh). */
export const cliPath = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const offlineGuard = new URL('../offline-guard-child.mjs', import.meta.url).href;

export function assertBuilt(): void {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` (npm test does it for you)`);
}

export interface CliRun {
  child: ChildProcess;
  output(): string;
  /** Resolves once the output contains `text`; rejects after `timeoutMs`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

export function runCli(args: string[], env: Record<string, string>): CliRun {
  assertBuilt();
  // The CLI process gets the test processes' socket check: a connect beyond loopback fails the test that started it.
  const guarded = { NODE_OPTIONS: `--import=${offlineGuard}`, ...env };
  const child = spawn(process.execPath, [cliPath, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...guarded }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output += text;
    for (const refused of text.matchAll(refusalPattern)) if (refused[1]) refusedList().push(`${refused[1]} (from \`quorum ${args.join(' ')}\`)`);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (text: string, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!output.includes(text)) {
      if (Date.now() > deadline) throw new Error(`CLI output never contained ${JSON.stringify(text)}; it was:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return { child, output: () => output, waitFor, exited };
}

/** What a CLI run that ended printed, stdout and stderr apart (a script reads stdout). */
export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to its end. */
export async function cliOutcome(args: string[], env: Record<string, string>): Promise<CliOutcome> {
  const run = runCli(args, env);
  let stdout = '';
  let stderr = '';
  run.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  run.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await run.exited;
  return { code, stdout, stderr };
}
