import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import type { ArtifactKind } from '../../src/sessions/artifacts.js';
import type { Session, TimelineEvent } from '../../src/sessions/session.js';
import type { SessionState } from '../../src/sessions/states.js';
import { api, startTestQuorum } from '../helpers/quorum.js';
import { newSessionInput } from '../helpers/store.js';
import { twoTenants } from './tenancy-fixtures.js';

interface Deleted {
  sessionId: string;
  artifacts: number;
  bytes: number;
  missing: number;
  deleted: Array<{ id: string; kind: string }>;
}

type Detail = { artifacts: Array<{ id: string; path?: string }>; timeline: TimelineEvent[] };

describe('DELETE /v1/sessions/:id/recordings', () => {
  let quorum: Quorum;
  let alphaToken: string;
  let bravoToken: string;

  beforeAll(async () => {
    quorum = await startTestQuorum();
    ({ alphaToken, bravoToken } = await twoTenants(quorum));
  });
  afterAll(async () => {
    await quorum.close();
  });

  /** A session of `companyId` moved through `path` (its last state is where it stays), with real files of `kinds`. */
  async function sessionWithFiles(companyId: string, path: SessionState[], kinds: ArtifactKind[] = ['audio', 'screenshot', 'html'], plan: 'bot' | 'zoom_cloud' = 'bot') {
    const session = await quorum.sessions.create(newSessionInput({ companyId, plan, startsAt: new Date(Date.now() + 86_400_000) }));
    const files: string[] = [];
    for (const [i, kind] of kinds.entries()) {
      const file = join(quorum.artifacts.dirFor(session.id), `${kind}-${i}.bin`);
      writeFileSync(file, Buffer.alloc(1000 * (i + 1)));
      await quorum.artifacts.add({ sessionId: session.id, attempt: 1, kind, path: file });
      files.push(file);
    }
    for (const to of path) await quorum.sessions.transition(session.id, to, { code: 'seeded', ...(to === 'failed' || to === 'done' ? { endCode: to === 'done' ? 'meeting_ended' : 'waiting_room_timeout' } : {}) });
    return { session, files };
  }

  const remove = (session: Session, body: unknown, token?: string) => api<Deleted & { error?: string; message?: string }>(quorum, 'DELETE', `/v1/sessions/${session.id}/recordings`, body, token);
  const detail = async (session: Session) => (await api<Detail>(quorum, 'GET', `/v1/sessions/${session.id}`)).body;

  it('deletes every file of an ended session for the admin, records who and why, and is idempotent', async () => {
    const { session, files } = await sessionWithFiles('alpha', ['failed']);
    const first = await remove(session, { reason: 'participant asked to be erased' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ sessionId: session.id, artifacts: 3, bytes: 6000, missing: 0 });
    expect(first.body.deleted.map((a) => a.kind).sort()).toEqual(['audio', 'html', 'screenshot']);
    for (const file of files) expect(existsSync(file)).toBe(false);
    const after = await detail(session);
    expect(after.artifacts).toEqual([]);
    const events = after.timeline.filter((e) => e.code === 'recordings_deleted');
    expect(events).toHaveLength(1);
    expect(events[0]?.details).toMatchObject({ reason: 'participant asked to be erased', by: 'admin', artifacts: 3, bytes: 6000 });

    const again = await remove(session, { reason: 'participant asked to be erased' });
    expect(again).toMatchObject({ status: 200, body: { artifacts: 0, bytes: 0 } });
    expect((await detail(session)).timeline.filter((e) => e.code === 'recordings_deleted')).toHaveLength(1);
  });

  it("lets a company token delete its own session's files, named by the token, and refuses another company's with 404", async () => {
    const { session, files } = await sessionWithFiles('alpha', ['dispatching', 'joining', 'recording', 'leaving', 'done'], ['audio']);
    const foreign = await remove(session, { reason: 'not yours' }, bravoToken);
    expect(foreign.status).toBe(404);
    expect(existsSync(files[0] ?? '')).toBe(true);
    expect((await detail(session)).artifacts).toHaveLength(1);

    const own = await remove(session, { reason: 'recorded by mistake' }, alphaToken);
    expect(own).toMatchObject({ status: 200, body: { artifacts: 1, bytes: 1000 } });
    // A company token is not shown the server's paths.
    expect(JSON.stringify(own.body)).not.toContain(quorum.artifacts.dirFor(session.id));
    expect(existsSync(files[0] ?? '')).toBe(false);
    const event = (await detail(session)).timeline.find((e) => e.code === 'recordings_deleted');
    expect(event?.details).toMatchObject({ reason: 'recorded by mistake', by: 'alpha integration', artifacts: 1 });
  });

  it('refuses with 409 while the session is active, keeping its files', async () => {
    for (const path of [['dispatching', 'joining', 'recording'], []] as SessionState[][]) {
      const { session, files } = await sessionWithFiles('alpha', path, ['audio']);
      const refused = await remove(session, { reason: 'too early' });
      expect(refused.status).toBe(409);
      expect(refused.body.message).toContain('stop it first');
      expect(existsSync(files[0] ?? '')).toBe(true);
      expect((await detail(session)).artifacts).toHaveLength(1);
    }
  });

  it('requires a reason, and answers 404 for an unknown session', async () => {
    const { session, files } = await sessionWithFiles('alpha', ['cancelled'], ['audio']);
    for (const body of [undefined, {}, { reason: '   ' }]) {
      const refused = await remove(session, body);
      expect(refused.status).toBe(400);
      expect(refused.body.message).toContain('reason');
    }
    expect(existsSync(files[0] ?? '')).toBe(true);
    expect((await remove({ ...session, id: 'no-such-session' }, { reason: 'x' })).status).toBe(404);
  });

  it("deletes a Zoom cloud session's fetched files, and tolerates one already gone from disk", async () => {
    const { session, files } = await sessionWithFiles('alpha', ['awaiting_cloud_recording', 'fetching', 'done'], ['video', 'audio', 'transcript', 'chat'], 'zoom_cloud');
    const fetching = await sessionWithFiles('alpha', ['awaiting_cloud_recording', 'fetching'], ['video'], 'zoom_cloud');
    expect((await remove(fetching.session, { reason: 'while fetching' })).status).toBe(409);
    rmSync(files[1] ?? '');
    const result = await remove(session, { reason: 'customer request' });
    expect(result).toMatchObject({ status: 200, body: { artifacts: 4, missing: 1 } });
    for (const file of files) expect(existsSync(file)).toBe(false);
    expect((await detail(session)).timeline.find((e) => e.code === 'recordings_deleted')?.details).toMatchObject({ artifacts: 4, missing: 1 });
  });

  it('takes a retention period in the company settings: positive whole days', async () => {
    const set = await api(quorum, 'PATCH', '/v1/companies/bravo', { retention: { recordingDays: 30, evidenceDays: 7 } });
    expect(set.status).toBe(200);
    expect((await quorum.companies.get('bravo'))?.settings['retention']).toEqual({ recordingDays: 30, evidenceDays: 7 });
    for (const retention of [{ recordingDays: 0 }, { evidenceDays: 1.5 }, { recordingDays: -1 }, { days: 3 }]) {
      const bad = await api<{ message: string }>(quorum, 'PATCH', '/v1/companies/bravo', { retention });
      expect(bad.status, JSON.stringify(retention)).toBe(400);
      expect(bad.body.message).toContain('retention');
    }
  });
});
