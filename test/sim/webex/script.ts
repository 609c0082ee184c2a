import { z } from 'zod';
import { webMeetingScriptSchema } from '../core/web-script.js';
import type { WebexScript } from '../core/web-script.js';

/** Webex meetings take the shared web-meeting script plus the Webex-only option below. */
export const webexScriptSchema = webMeetingScriptSchema
  .extend({
    /**
     * The meeting has a password and the web app asks every visitor "Enter the meeting password" before the
     * pre-join page: `true` for `webexPassword(code)`, or the password itself. Its `j.php?MTID=` link does not
     * carry the password: invites give it as text ("Meeting password:"/"Password:").
     */
    password: z.union([z.boolean(), z.string().min(1).max(64)]).default(false),
  })
  .strict();

export type ParsedWebexScript = z.output<typeof webexScriptSchema>;
/** A Webex script with the Webex-only option; `createMeeting('webex', …)` accepts it. */
export type WebexPasswordScript = WebexScript & { password?: boolean | string };

/** A password-protected meeting's password, as its invite would state it. */
export function webexPassword(code: string): string {
  return `Sim${code.slice(-4)}`;
}

/** The password a meeting of this script accepts; undefined when it has none. */
export function passwordOf(script: ParsedWebexScript, code: string): string | undefined {
  if (script.password === false) return undefined;
  return script.password === true ? webexPassword(code) : script.password;
}
