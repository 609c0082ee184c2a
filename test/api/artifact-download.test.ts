import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import type { Artifact } from '../../src/sessions/artifacts.js';
import type { Session } from '../../src/sessions/session.js';
import { adminToken, api, startTestQuorum } from '../helpers/quorum.js';
import { inAnHour, twoTenants } from './tenancy-fixtures.js';

/** 1000 bytes whose value is their offset mod 256, so any slice shows where it was cut from. */
const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));

describe('artifact downloads', () => {
  let quorum: Quorum;
  let alphaToken: string;
  let session: Session;
  let audio: Artifact;
  let video: Artifact;

  const url = (artifact: Artifact) => `${quorum.url}/v1/sessions/${session.id}/artifacts/${artifact.id}`;
  const get = (artifact: Artifact, headers: Record<string, string> = {}, token = adminToken) =>
    fetch(url(artifact), { headers: { authorization: `Bearer ${token}`, ...headers } });
  const add = async (name: string, kind: Artifact['kind'], content: Buffer) => {
    const path = join(quorum.artifacts.dirFor(session.id), name);
    writeFileSync(path, content);
    return quorum.artifacts.add({ sessionId: session.id, attempt: 1, kind, path });
  };

  beforeAll(async () => {
    quorum = await startTestQuorum();
    ({ alphaToken } = await twoTenants(quorum));
    const request = { meetingUrl: 'https://meet.google.com/dow-nloa-ddx', requesterEmail: 'boss@alpha.example', ...inAnHour() };
    session = (await api<{ session: Session }>(quorum, 'POST', '/v1/companies/alpha/recording-requests', request, alphaToken)).body.session;
    audio = await add('recording-1.webm', 'audio', bytes);
    video = await add('zoom-video.mp4', 'video', bytes);
  });
  afterAll(async () => {
    await quorum.close();
  });

  it('sends the whole file with its length and says it takes byte ranges', async () => {
    const response = await get(audio);
    expect(response.status).toBe(200);
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('content-length')).toBe('1000');
    expect(response.headers.get('content-type')).toBe('audio/webm');
    expect(response.headers.get('content-range')).toBeNull();
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
  });

  it('answers 206 with the asked bytes for a-b, a- and -n, as a media element seeking asks', async () => {
    const cases: Array<[range: string, start: number, end: number]> = [
      ['bytes=100-199', 100, 199],
      ['bytes=900-', 900, 999],
      ['bytes=-50', 950, 999],
      // An end past the file, or a suffix longer than it, is cut to the file.
      ['bytes=990-5000', 990, 999],
      ['bytes=-5000', 0, 999],
      ['bytes=0-0', 0, 0],
    ];
    for (const [range, start, end] of cases) {
      const response = await get(video, { range });
      expect(response.status, range).toBe(206);
      expect(response.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/1000`);
      expect(response.headers.get('content-length'), range).toBe(String(end - start + 1));
      expect(response.headers.get('content-type'), range).toBe('video/mp4');
      expect(response.headers.get('accept-ranges'), range).toBe('bytes');
      // The artifact's own protections hold on a partial answer too.
      expect(response.headers.get('x-content-type-options'), range).toBe('nosniff');
      expect(Buffer.from(await response.arrayBuffer()), range).toEqual(bytes.subarray(start, end + 1));
    }
  });

  it('answers 416 naming the size for a range past the end, and the whole file for a range it may ignore', async () => {
    for (const range of ['bytes=1000-', 'bytes=5000-6000', 'bytes=-0']) {
      const response = await get(audio, { range });
      expect(response.status, range).toBe(416);
      expect(response.headers.get('content-range'), range).toBe('bytes */1000');
      expect(((await response.json()) as { error: string }).error).toBe('range_not_satisfiable');
    }
    // Malformed, reversed, another unit, several ranges: RFC 9110 lets the server send the whole file.
    for (const range of ['bytes=abc', 'bytes=200-100', 'items=0-1', 'bytes=0-1,5-6']) {
      const response = await get(audio, { range });
      expect(response.status, range).toBe(200);
      expect(response.headers.get('content-length'), range).toBe('1000');
      await response.body?.cancel();
    }
  });

  it('answers HEAD with the headers of the bytes a GET would send', async () => {
    const whole = await fetch(url(video), { method: 'HEAD', headers: { authorization: `Bearer ${adminToken}` } });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-length')).toBe('1000');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const part = await fetch(url(video), { method: 'HEAD', headers: { authorization: `Bearer ${adminToken}`, range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 10-19/1000');
    expect(part.headers.get('content-length')).toBe('10');
  });

  it('serves an empty file, and refuses any range of it', async () => {
    const empty = await add('empty.webm', 'audio', Buffer.alloc(0));
    const whole = await get(empty);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-length')).toBe('0');
    expect((await whole.arrayBuffer()).byteLength).toBe(0);
    expect((await get(empty, { range: 'bytes=0-' })).status).toBe(416);
    expect((await get(empty, { range: 'bytes=-10' })).status).toBe(416);
  });

  it('answers 404 for a file not on this server\'s disk: the path for the admin, only its name for the company', async () => {
    const gone = await add('recording-2.webm', 'audio', bytes);
    // A worker on another disk recorded it: the store lists it, this machine does not have it.
    rmSync(gone.path);
    const admin = await get(gone);
    expect(admin.status).toBe(404);
    const adminBody = (await admin.json()) as { error: string; message: string };
    expect(adminBody.error).toBe('not_found');
    expect(adminBody.message).toContain(`the file is not on this server's disk: ${gone.path}`);
    expect(adminBody.message).toMatch(/QUORUM_DATA_DIR/);

    const company = await get(gone, { range: 'bytes=0-' }, alphaToken);
    expect(company.status).toBe(404);
    const companyBody = (await company.json()) as { error: string; message: string };
    expect(companyBody.message).toBe("the file is not on this server's disk: …/recording-2.webm");
    expect(companyBody.message).not.toContain(quorum.artifacts.dirFor(session.id));
  });
});
