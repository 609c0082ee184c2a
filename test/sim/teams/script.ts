import { z } from 'zod';
import { webMeetingScriptSchema } from '../core/web-script.js';
import type { TeamsScript } from '../core/web-script.js';

/** Teams meetings take the shared web-meeting script plus the Teams-only options below. */
export const teamsScriptSchema = webMeetingScriptSchema
  .extend({
    /**
     * A Teams event (town hall, webinar) that refuses external participants, signed in to another tenant or
     * not, with "External participants are not permitted to join before the event begins…" (peer-bots.md §1.1
     * `microsoft_teams_event_not_started_for_external`, §6.2) until this many ms after the meeting was created.
     */
    eventOpensAfterMs: z.number().int().nonnegative().optional(),
    /**
     * The meeting's passcode check; the passcode is `teamsPasscode(code)`, the `p` of its join link (providers.md
     * §4.4). `off`: none. `link`: the link's `p` lets the visitor through; without one the page asks "Enter
     * meeting passcode", and with a wrong one it asks again saying the passcode is incorrect. `prompt`: the page
     * always asks with an empty field, as when the passcode does not carry over from the link.
     */
    passcode: z.enum(['off', 'link', 'prompt']).default('off'),
  })
  .strict();

export type ParsedTeamsScript = z.output<typeof teamsScriptSchema>;
/** A Teams script with the Teams-only options; `createMeeting('teams', …)` accepts it. */
export type TeamsEventScript = TeamsScript & { eventOpensAfterMs?: number; passcode?: 'off' | 'link' | 'prompt' };

/** A meeting's passcode: what its join link carries as `p`. */
export function teamsPasscode(code: string): string {
  return `Sim${code.slice(-4)}`;
}
