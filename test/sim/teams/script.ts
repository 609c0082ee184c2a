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
  })
  .strict();

export type ParsedTeamsScript = z.output<typeof teamsScriptSchema>;
/** A Teams script with the Teams-only options; `createMeeting('teams', …)` accepts it. */
export type TeamsEventScript = TeamsScript & { eventOpensAfterMs?: number };
