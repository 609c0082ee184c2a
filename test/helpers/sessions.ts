import type { Quorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { nextAttemptAt } from '../../src/sessions/retry-policy.js';
import { isEnded, type SessionState } from '../../src/sessions/states.js';
import type { MeetScript } from '../sim/index.js';
import { newSessionInput } from './store.js';
import type { EndCode } from '../../src/sessions/end-codes.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An ended attempt the retry policy will try again is not the end yet: the scheduler applies the policy
 * once the bot's page is closed, which on a loaded machine can take longer than any fixed settle time.
 */
async function awaitsRetry(quorum: Quorum, session: Session): Promise<boolean> {
  if (session.state !== 'failed' || !session.endCode) return false;
  // A bot that left deaf to rejoin says so on its attempt's timeline (src/runner/deaf.ts); the scheduler passes it on.
  const rejoin = session.endCode === 'no_audio' && (await quorum.sessions.timeline(session.id)).some((e) => e.code === 'joined_deaf' && e.attempt === session.attempt && e.details?.['rejoin'] === true) ? 'deaf' : undefined;
  return nextAttemptAt({ endCode: session.endCode, attempt: session.attempt, endsAt: new Date(session.endsAt), now: new Date(), backoffSeconds: 0, rejoin }) !== undefined;
}

/** Polls until the session has ended for good (no automatic retry follows) and stayed so for `settleMs`. */
export async function waitForEnd(quorum: Quorum, id: string, timeoutMs = 90_000, settleMs = 1500): Promise<Session> {
  const deadline = Date.now() + timeoutMs;
  let endedSince: number | undefined;
  for (;;) {
    const session = await quorum.sessions.get(id);
    if (!session) throw new Error(`session ${id} vanished`);
    if (isEnded(session.state) && !(await awaitsRetry(quorum, session))) {
      endedSince ??= Date.now();
      if (Date.now() - endedSince >= settleMs) return session;
    } else {
      endedSince = undefined;
    }
    if (Date.now() > deadline) throw new Error(`session ${id} still ${session.state} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function waitForState(quorum: Quorum, id: string, state: SessionState, attempt?: number, timeoutMs = 60_000): Promise<Session> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const session = await quorum.sessions.get(id);
    if (session?.state === state && (attempt === undefined || session.attempt === attempt)) return session;
    if (Date.now() > deadline) throw new Error(`session ${id} never reached ${state} (now ${session?.state ?? 'missing'} #${session?.attempt ?? '?'})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Creates a simulated Meet meeting and asks Quorum to record it now. */
export async function recordSimulated(quorum: Quorum, script: MeetScript): Promise<{ session: Session; meetingId: string; joinUrl: string }> {
  const sim = quorum.simulator;
  if (!sim) throw new Error('start Quorum with QUORUM_SIMULATE');
  const meeting = await sim.createMeeting('meet', script);
  const session = await requestNow(quorum, meeting.joinUrl);
  return { session, meetingId: meeting.id, joinUrl: meeting.joinUrl };
}

export async function requestNow(quorum: Quorum, meetingUrl: string): Promise<Session> {
  const response = await fetch(`${quorum.url}/v1/companies/default/recording-requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${quorum.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ meetingUrl, startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 30 * 60_000).toISOString() }),
  });
  if (response.status !== 201) throw new Error(`request refused: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { session: Session }).session;
}

/**
 * A session far ahead with a recording and a failure screenshot on disk (`bytes` each), ended with `endCode`
 * when given: what the delete-recordings suites delete.
 */
export async function sessionWithFiles(quorum: Quorum, options: { title?: string; bytes: [number, number]; endCode?: EndCode }): Promise<{ session: Session; files: string[] }> {
  const later = new Date(Date.now() + 86_400_000);
  const session = await quorum.sessions.create(newSessionInput({ ...(options.title ? { title: options.title } : {}), startsAt: later, joinAt: later }));
  const files = [join(quorum.artifacts.dirFor(session.id), 'recording-1.webm'), join(quorum.artifacts.dirFor(session.id), 'failure-1.png')];
  const kinds = ['audio', 'screenshot'] as const;
  for (const [i, path] of files.entries()) {
    writeFileSync(path, Buffer.alloc(options.bytes[i] ?? 0));
    await quorum.artifacts.add({ sessionId: session.id, attempt: 1, kind: kinds[i] ?? 'audio', path });
  }
  if (options.endCode) await quorum.sessions.transition(session.id, 'failed', { code: 'seeded', endCode: options.endCode });
  return { session, files };
}
