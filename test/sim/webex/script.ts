import { z } from 'zod';
import { webMeetingScriptSchema } from '../core/web-script.js';
import type { WebexScript } from '../core/web-script.js';

/** Webex meetings take the shared web-meeting script plus the Webex-only option below. */
export const webexScriptSchema = webMeetingScriptSchema
  .extend({
    /**
     * The meeting has a password (`webexPassword(code)`) and the web app asks every visitor "Enter the meeting
     * password" before the pre-join page. Its `j.php?MTID=` link does not carry the password: invites give it
     * as text ("Meeting password:"/"Password:").
     */
    password: z.boolean().default(false),
  })
  .strict();

export type ParsedWebexScript = z.output<typeof webexScriptSchema>;
/** A Webex script with the Webex-only option; `createMeeting('webex', …)` accepts it. */
export type WebexPasswordScript = WebexScript & { password?: boolean };

/** A password-protected meeting's password, as its invite would state it. */
export function webexPassword(code: string): string {
  return `Sim${code.slice(-4)}`;
}
