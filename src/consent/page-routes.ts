import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { CompanyStore } from '../companies/company-store.js';
import { pickLanguage, text, type Language } from './i18n.js';
import { pageHeaders, renderConsentPage, renderMessagePage } from './page.js';
import type { ConsentService } from './service.js';
import type { ConsentChoice, StoredConsentLink } from './store.js';
import { browserIdPattern, newBrowserId } from './tokens.js';

export interface ConsentPageDeps {
  consent: ConsentService;
  companies: CompanyStore;
  /** Mark the browser-id cookie `Secure` (the public URL is https). */
  secureCookies: boolean;
  log: Logger;
}

const cookieName = 'quorum_consent_id';
const choices: readonly ConsentChoice[] = ['record', 'no_record'];

function languageOf(request: FastifyRequest): Language {
  const query = request.query as Record<string, unknown> | undefined;
  return pickLanguage(query?.lang, request.headers['accept-language']);
}

function browserIdOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === cookieName && value !== undefined && browserIdPattern.test(value)) return value;
  }
  return undefined;
}

function choiceOf(body: unknown): ConsentChoice | undefined {
  const value = body instanceof URLSearchParams ? body.get('choice') : (body as { choice?: unknown } | undefined)?.choice;
  return choices.find((choice) => choice === value);
}

function sendMessage(reply: FastifyReply, status: number, lang: Language, title: string, message: string) {
  return reply.code(status).headers(pageHeaders()).send(renderMessagePage(lang, title, message));
}

/**
 * The public consent page (`GET /c/:token`) and the participant's choice (`POST /c/:token`), outside the
 * bearer-token API. The redirect target is only ever the link stored for the token: nothing the request
 * carries (query, body, headers, extra path) is read for it. Unknown tokens and any other path under /c
 * get the same 404 page.
 */
export function consentPageRoutes(deps: ConsentPageDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
      done(null, new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8')));
    });
    const notFound = (request: FastifyRequest, reply: FastifyReply) => {
      const t = text[languageOf(request)];
      return sendMessage(reply, 404, languageOf(request), t.notFoundTitle, t.notFoundBody);
    };
    app.setNotFoundHandler(notFound);
    app.setErrorHandler(async (error, request, reply) => {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === undefined || status >= 500) deps.log.error({ err: error, method: request.method }, 'consent page failed');
      const t = text[languageOf(request)];
      return sendMessage(reply, status !== undefined && status < 500 ? status : 500, languageOf(request), t.errorTitle, t.errorBody);
    });

    const linkOf = async (request: FastifyRequest): Promise<StoredConsentLink | undefined> => {
      const token = (request.params as { token?: unknown }).token;
      return typeof token === 'string' ? (await deps.consent.resolveToken(token))?.link : undefined;
    };

    app.get('/:token', async (request, reply) => {
      const link = await linkOf(request);
      if (!link) return notFound(request, reply);
      const company = await deps.companies.get(link.companyId);
      if (!browserIdOf(request)) {
        const secure = deps.secureCookies ? '; Secure' : '';
        void reply.header('set-cookie', `${cookieName}=${newBrowserId()}; Path=/c; HttpOnly; SameSite=Lax; Max-Age=31536000${secure}`);
      }
      const token = (request.params as { token: string }).token;
      const html = renderConsentPage({ lang: languageOf(request), company: company?.name ?? link.companyId, token });
      return reply.headers(pageHeaders(link.conferenceUrl)).send(html);
    });

    app.post('/:token', async (request, reply) => {
      const link = await linkOf(request);
      if (!link) return notFound(request, reply);
      const choice = choiceOf(request.body);
      const lang = languageOf(request);
      if (!choice) {
        const company = await deps.companies.get(link.companyId);
        const token = (request.params as { token: string }).token;
        const html = renderConsentPage({ lang, company: company?.name ?? link.companyId, token, alert: text[lang].badChoice });
        return reply.code(400).headers(pageHeaders(link.conferenceUrl)).send(html);
      }
      const userAgent = request.headers['user-agent'] ?? '';
      const browserId = browserIdOf(request);
      await deps.consent.recordChoice(link, { address: request.ip, userAgent, ...(browserId ? { browserId } : {}) }, choice);
      return reply.headers({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }).redirect(link.conferenceUrl, 303);
    });
  };
}
