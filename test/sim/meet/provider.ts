import { randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MeetingLookup, SimProvider } from '../core/types.js';
import { meetClientJs } from './client.js';
import { landingPage, notFoundPage, prejoinPage } from './pages.js';
import { meetPlan, meetScriptSchema } from './script.js';

const host = 'meet.google.com';
const codePattern = /^\/([a-z]{3}-[a-z]{4}-[a-z]{3})$/;

export const meetProvider: SimProvider = {
  id: 'meet',
  hosts: [host],
  parseScript(raw: unknown) {
    const script = meetScriptSchema.parse(raw ?? {});
    return { script, plan: meetPlan(script) };
  },
  newCode(taken) {
    for (;;) {
      const code = [3, 4, 3].map(letters).join('-');
      if (!taken(code)) return code;
    }
  },
  joinUrl(code) {
    return `https://${host}/${code}`;
  },
  serve(req: IncomingMessage, res: ServerResponse, url: URL, meetings: MeetingLookup) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (url.pathname === '/_sim/meet/client.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(meetClientJs);
      return;
    }
    if (url.pathname === '/' || url.pathname === '/landing') {
      html(res, landingPage());
      return;
    }
    const code = codePattern.exec(url.pathname)?.[1];
    const meeting = code === undefined ? undefined : meetings.openedByBot('meet', code);
    if (!code || !meeting) {
      // Meet answers an unknown code with a 200 page, not an HTTP error.
      html(res, notFoundPage());
      return;
    }
    const { prejoin, apostrophes } = meetScriptSchema.parse(meeting.script);
    html(res, prejoinPage(code, prejoin.deviceDialog, prejoin.joinButton, apostrophes));
  },
};

function letters(count: number): string {
  let out = '';
  for (let i = 0; i < count; i += 1) out += String.fromCharCode(97 + randomInt(26));
  return out;
}

function html(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
}
