import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, onRequestHookHandler } from 'fastify';
import type { ApiDeps } from '../api/deps.js';
import { consoleApiRoutes, type CompanyScope } from './api.js';

export { liveSessionsRoute } from './live.js';
export type { CompanyScope } from './api.js';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The console's files are plain HTML, CSS and ES modules (no build step). They sit next to this module in
 * the source tree; a compiled `dist/src/console` has no copy, so it falls back to the source folder.
 */
function staticDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [join(here, 'static'), resolve(here, '../../../src/console/static')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found) throw new Error(`console files not found in ${candidates.join(' or ')}`);
  return found;
}

/** Every file read once at start: a fixed whitelist, so no request path ever reaches the file system. */
function loadAssets(): Map<string, { body: Buffer; type: string }> {
  const dir = staticDir();
  const assets = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(dir)) {
    const type = types[extname(name)];
    if (type) assets.set(name, { body: readFileSync(join(dir, name)), type });
  }
  return assets;
}

// The pages hold no data (everything comes from the API with the operator's token), but the token rides in
// `?token=` on media and WebSocket URLs, so no referrer may carry a URL elsewhere and nothing may be framed.
const securityHeaders = {
  'content-security-policy': "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-cache',
};

/**
 * The ops console at /console/: the static pages (public, data-free) and the read-only JSON it needs
 * beyond /v1 under /console/api (behind `guard`, the same bearer check as /v1), narrowed by `scope` to the
 * company of a per-company token.
 */
export async function registerConsole(app: FastifyInstance, deps: ApiDeps, guard: onRequestHookHandler, scope: CompanyScope = () => undefined): Promise<void> {
  const assets = loadAssets();
  const send = (reply: FastifyReply, name: string) => {
    const asset = assets.get(name);
    if (!asset) return reply.code(404).type('text/plain').send('not found');
    return reply.headers(securityHeaders).type(asset.type).send(asset.body);
  };
  app.get('/console', (_request, reply) => reply.redirect('/console/'));
  app.get('/console/', (_request, reply) => send(reply, 'index.html'));
  app.get('/console/static/:name', (request, reply) => send(reply, (request.params as { name: string }).name));
  await app.register(async (scoped) => {
    scoped.addHook('onRequest', guard);
    consoleApiRoutes(scoped, deps, scope);
  });
}
