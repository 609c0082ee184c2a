import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { choiceCursor, choicePage, choiceWindow, type ChoiceWindow } from '../../consent/choice-window.js';
import type { Consent } from '../../consent/index.js';
import type { CountedChoice } from '../../consent/service.js';
import type { Session } from '../../sessions/session.js';
import { viewFor } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { parse } from '../validation.js';

/**
 * A session's detail and the pages of its long lists. `?events=N`, `?attempts=N` and `?choices=N` each window one
 * list (its first few and its newest N, with its total); a list not asked for is sent whole, as it always was.
 */

/** How many of a session's first events a windowed detail (`?events=N`) carries before its newest N. */
export const firstEvents = 5;
/** The first attempt (why the session exists) before the newest N of `?attempts=N`. */
export const firstAttempts = 1;
/** How many of the first consent choices `?choices=N` carries before its newest N. */
export const firstChoices = 5;

const windowSize = z.coerce.number().int().min(1).max(1000).optional();
const detailQuery = z.object({ events: windowSize, attempts: windowSize, choices: windowSize });
const limit = z.coerce.number().int().min(1).max(1000).default(200);
const numberPageQuery = z.object({ before: z.coerce.number().int().min(1).optional(), after: z.coerce.number().int().min(0).optional(), limit });
const cursorPageQuery = z.object({ before: z.string().min(1).max(200).optional(), after: z.string().min(1).max(200).optional(), limit });
const idParams = z.object({ id: z.string().min(1) });

type Deps = ApiDeps & { consent?: Consent };

export function sessionDetailRoutes(app: FastifyInstance, deps: Deps): void {
  const counted = (session: Session): Promise<CountedChoice[]> => (deps.consent ? deps.consent.service.countedFor(session) : Promise.resolve([]));
  const notFound = (id: string) => ({ error: 'not_found', message: `session ${id} not found` });

  app.get('/v1/sessions/:id', async (request, reply) => {
    const { id } = parse(idParams, request.params);
    const query = parse(detailQuery, request.query);
    const session = await deps.sessions.get(id);
    if (!session) return reply.code(404).send(notFound(id));
    // Each windowed list: its first few and newest N (a live view's refresh), not a list of any length.
    const timelineWindow = query.events === undefined ? undefined : deps.sessions.timelineWindow(id, firstEvents, query.events);
    const attemptWindow = query.attempts === undefined ? undefined : deps.sessions.attemptWindow(id, firstAttempts, query.attempts);
    const stored = await Promise.all([
      attemptWindow ? attemptWindow.then((w) => w.attempts) : deps.sessions.attempts(id),
      timelineWindow ? timelineWindow.then((w) => w.events) : deps.sessions.timeline(id),
      deps.artifacts.list(id),
    ]);
    // A company token reads the timeline's details and the artifacts without stacks or server paths (the admin all).
    const [attempts, timeline, artifacts] = viewFor(request)(stored);
    // The consent page choices that counted for this meeting occurrence (first per participant).
    const choices = await counted(session);
    const choicesWindow = query.choices === undefined ? undefined : choiceWindow(choices, firstChoices, query.choices);
    // The Decision that allowed the session (also inside `session`), at the top level for readers of this view.
    const decision = session.decision;
    // In each list, the items past `<list>First` are the newest; when the list is shorter than its total, the middle is hidden.
    return {
      session,
      decision,
      attempts,
      ...(attemptWindow && { attemptsTotal: (await attemptWindow).total, attemptsFirst: Math.min(firstAttempts, attempts.length) }),
      timeline,
      ...(timelineWindow && { timelineTotal: (await timelineWindow).total, timelineFirst: Math.min(firstEvents, timeline.length) }),
      artifacts,
      consentChoices: choicesWindow?.choices ?? choices,
      ...(choicesWindow && windowedChoices(choicesWindow)),
    };
  });

  // The part of a timeline a windowed detail hides, a page at a time, newest first: `before` and `after` are
  // event ids (exclusive); the events of a page are in timeline order, and `nextBefore` reads the page before it.
  app.get('/v1/sessions/:id/timeline', async (request, reply) => {
    const { id } = parse(idParams, request.params);
    const query = parse(numberPageQuery, request.query);
    if (!(await deps.sessions.get(id))) return reply.code(404).send(notFound(id));
    const page = await deps.sessions.timelinePage(id, query);
    return { events: viewFor(request)(page.events), more: page.more, nextBefore: page.more ? (page.events[0]?.id ?? null) : null };
  });

  // The attempts `?attempts=N` hides, the same way: `before` and `after` are attempt numbers.
  app.get('/v1/sessions/:id/attempts', async (request, reply) => {
    const { id } = parse(idParams, request.params);
    const query = parse(numberPageQuery, request.query);
    if (!(await deps.sessions.get(id))) return reply.code(404).send(notFound(id));
    const page = await deps.sessions.attemptPage(id, query);
    return { attempts: viewFor(request)(page.attempts), more: page.more, nextBefore: page.more ? (page.attempts[0]?.number ?? null) : null };
  });

  // The consent choices `?choices=N` hides: `before` and `after` are choice cursors (`<at>|<id>`, consent/choice-window.ts).
  app.get('/v1/sessions/:id/consent-choices', async (request, reply) => {
    const { id } = parse(idParams, request.params);
    const query = parse(cursorPageQuery, request.query);
    const session = await deps.sessions.get(id);
    if (!session) return reply.code(404).send(notFound(id));
    const page = choicePage(await counted(session), query);
    const first = page.choices[0];
    return { consentChoices: page.choices, more: page.more, nextBefore: page.more && first ? choiceCursor(first) : null };
  });
}

function windowedChoices(window: ChoiceWindow) {
  return { consentChoicesTotal: window.total, consentChoicesFirst: Math.min(firstChoices, window.choices.length), consentChoiceCounts: window.counts };
}
