import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What a company token may read of a stored log line or timeline entry: what happened (level, time, message, the
 * error's type, message and codes), not how the server is built. Stack traces and the server's file paths stay
 * for the admin token; the stored data is never changed, this is a copy made per reader.
 */

/** Keys whose whole value is a stack trace, at any depth (an error's `stack`, its `cause`'s, an aggregate's). */
const stackKey = /^stack(?:trace)?$/i;
/** A V8 stack frame line inside a longer string ("\n    at run (/srv/quorum/dist/src/runner/bot-run.js:123:5)"). */
const frameLine = /\n[ \t]+at [^\n]*/g;
const fileUrl = /\bfile:\/\/[^\s'"()<>[\]{}]*/g;
/** Node's own modules in a frame: `node:internal/process/task_queues:95:5`, `node:events:517:28`. */
const nodeFrame = /\bnode:internal\/[\w/.-]*(?::\d+){0,2}|\bnode:[a-z_]+(?:\/[a-z_]+)*:\d+(?::\d+)?/g;
/** One path segment, conservatively: a URL's or a sentence's punctuation ends the path. */
const segment = String.raw`[\w.@%+~-]+`;
/**
 * Not inside a URL or a word: `https://host/a/b` and `and/or` keep their slashes. `=` and quotes may precede, so
 * `--user-data-dir=/tmp/profile-1` and `open '/srv/data/x.webm'` are caught.
 */
const notInsideWord = String.raw`(?<![\w.~%@+\-/:\\…])`;
const lineAndColumn = String.raw`(?::\d+){0,2}`;
const maxDepth = 64;
export const nodeMarker = '[node internals]';

export interface TenantViewOptions {
  /** The server's own directories, removed even when one segment deep (`/app`); default: install dir and cwd. */
  roots?: readonly string[];
}

/** A copy of `value` for a company token: no stack keys at any depth, no server paths or frames in its strings. */
export function tenantView<T>(value: T, options: TenantViewOptions = {}): T {
  const paths = options.roots ? pathPattern(options.roots) : defaultPattern();
  return walk(value, paths, 0) as T;
}

/** One string as a company token sees it. */
export function tenantText(text: string, options: TenantViewOptions = {}): string {
  return scrub(text, options.roots ? pathPattern(options.roots) : defaultPattern());
}

function walk(value: unknown, paths: RegExp, depth: number): unknown {
  if (typeof value === 'string') return scrub(value, paths);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= maxDepth) return '[omitted]';
  if (Array.isArray(value)) return value.map((item) => walk(item, paths, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (!stackKey.test(key)) copy[key] = walk(child, paths, depth + 1);
  }
  return copy;
}

function scrub(text: string, paths: RegExp): string {
  // Cheap exit: most strings (messages, codes, ids, times) hold nothing a path or frame needs.
  if (!text.includes('/') && !text.includes('node:')) return text;
  return text
    .replace(frameLine, '')
    .replace(fileUrl, (url) => hidden(url.slice('file://'.length)))
    .replace(nodeFrame, nodeMarker)
    .replace(paths, (path) => hidden(path));
}

/** A server path becomes `…/<file name>`: the file a message is about stays readable, the server's layout does not. */
function hidden(path: string): string {
  const withoutPosition = path.replace(/(?::\d+){1,2}$/, '');
  const name = withoutPosition.split('/').filter(Boolean).at(-1);
  return name ? `…/${name}` : '…/';
}

function pathPattern(roots: readonly string[]): RegExp {
  const escaped = roots
    .map((root) => root.replace(/\/+$/, ''))
    .filter((root) => root.startsWith('/') && root.length > 1)
    .sort((a, b) => b.length - a.length)
    .map((root) => `${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.@%+~-])(?:/${segment})*/?`);
  // Any absolute path two segments deep too: the data directory, Chromium's profile in /tmp, /usr/bin/chromium.
  const generic = `(?:/${segment}){2,}/?`;
  return new RegExp(`${notInsideWord}(?:${[...escaped, generic].join('|')})${lineAndColumn}`, 'g');
}

let cached: RegExp | undefined;

function defaultPattern(): RegExp {
  cached ??= pathPattern(serverRoots());
  return cached;
}

/** The directories whose paths are the server's own: where Quorum is installed and where it runs. */
export function serverRoots(): string[] {
  const roots = new Set<string>();
  for (const dir of [installDir(), process.cwd()]) {
    roots.add(dir);
    // A symlinked install shows its real path in stack frames.
    if (existsSync(dir)) roots.add(realpathSync(dir));
  }
  return [...roots];
}

/** The nearest folder with a package.json above this file: the checkout in development, the package once built. */
function installDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return here;
  }
}
