import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import { loadConfig } from '../../src/config.js';
import { fetchRecording, RefusedDownloadError } from '../../src/zoom/cloud-fetch.js';
import { recordingObjectSchema } from '../../src/zoom/events.js';
import { ZoomHosts } from '../../src/zoom/zoom-hosts.js';
import { api, startTestQuorum } from '../helpers/quorum.js';
import { waitForState } from '../helpers/sessions.js';
import { countingServer, keyOf, meetingNumber, postSigned, recordingBody, type CountingServer } from './helpers.js';
import { requestRecording } from './fixtures.js';

const tenantSecret = 'the-tenant-chose-this-secret';

/**
 * A tenant holds its own Zoom webhook secret, so it can sign any recording.completed it likes: Quorum must
 * fetch only from Zoom's hosts (every redirect hop included), and only the operator may aim Zoom's API URLs.
 */
describe('Zoom cloud downloads go to Zoom only', () => {
  let quorum: Quorum;
  let internal: CountingServer;
  let companyToken: string;

  beforeAll(async () => {
    quorum = await startTestQuorum({ QUORUM_LEAD_SECONDS: 0, QUORUM_ZOOM_CLOUD_WAIT_SECONDS: 60 });
    internal = await countingServer();
    const created = await api(quorum, 'POST', '/v1/companies', {
      id: 'zten',
      name: 'Tenant',
      assistantAddress: 'assistant@zten.example',
      botName: 'Quorum Notes',
      emailDomains: ['zten.example'],
      // The token endpoint is a closed loopback port: asking Zoom which account hosts a meeting fails at once, offline.
      providers: { zoom: { enabled: true, mode: 'cloud', webhookSecretToken: 'set-by-admin', accountId: 'acc', clientId: 'cid', clientSecret: 'csecret', oauthBaseUrl: 'http://127.0.0.1:9' } },
      permissionProfiles: { rec: { name: 'Recorder', manualScheduleAndUpload: true } },
      consentProfiles: { open: { name: 'Open', enforceConsent: false, linkTypes: {} } },
      users: { 'boss@zten.example': { email: 'boss@zten.example', seat: true, permissionProfile: 'rec', consentProfile: 'open', recordable: true } },
    });
    expect(created.status).toBe(201);
    const token = await api<{ token: string }>(quorum, 'POST', '/v1/companies/zten/tokens', { name: 'tenant' });
    companyToken = token.body.token;
  });
  afterAll(async () => {
    await internal.close();
    await quorum.close();
  });

  it('a company token sets its own webhook secret but not Zoom API URLs (403, saying why); the admin token may', async () => {
    expect((await api(quorum, 'PATCH', '/v1/companies/zten/providers/zoom', { webhookSecretToken: tenantSecret }, companyToken)).status).toBe(200);
    for (const field of ['apiBaseUrl', 'oauthBaseUrl']) {
      const refused = await api<{ error: string; message: string }>(quorum, 'PATCH', '/v1/companies/zten/providers/zoom', { [field]: `${internal.origin}/v2` }, companyToken);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: 'forbidden' });
      expect(refused.body.message).toContain(`providers.zoom.${field}`);
      expect(refused.body.message).toContain('admin token');
    }
    const current = await api<{ company: Record<string, unknown> }>(quorum, 'GET', '/v1/companies/zten', undefined, companyToken);
    const whole = { ...current.body.company, providers: { zoom: { enabled: true, mode: 'cloud', webhookSecretToken: tenantSecret, apiBaseUrl: `${internal.origin}/v2` } } };
    expect((await api(quorum, 'PUT', '/v1/companies/zten', whole, companyToken)).status).toBe(403);
    expect((await api(quorum, 'PATCH', '/v1/companies/zten', { providers: whole.providers }, companyToken)).status).toBe(403);
    // A round trip of the settings as shown (nothing admin-only changed) is still the tenant's to make.
    expect((await api(quorum, 'PUT', '/v1/companies/zten', current.body.company, companyToken)).status).toBe(200);
    expect((await api(quorum, 'PATCH', '/v1/companies/zten/providers/zoom', { apiBaseUrl: 'https://zoom-proxy.example/v2' })).status).toBe(200);
    expect((await api(quorum, 'PATCH', '/v1/companies/zten/providers/zoom', { apiBaseUrl: 'https://api.zoom.us/v2' })).status).toBe(200);
    expect(internal.hits).toEqual([]);
  });

  it('a tenant-signed recording with a download_url on loopback or the metadata address is refused; nothing is fetched', async () => {
    expect((await api(quorum, 'PATCH', '/v1/companies/zten/providers/zoom', { webhookSecretToken: tenantSecret }, companyToken)).status).toBe(200);
    const meeting = meetingNumber();
    // A session waiting for this very meeting: the refusal comes before any match.
    const { session } = await requestRecording(quorum, 'zten', `https://acme.zoom.us/j/${meeting}?pwd=x`, 30, -60_000);
    await waitForState(quorum, session.id, 'awaiting_cloud_recording');
    const bodies = [
      recordingBody(meeting, [`${internal.origin}/latest/meta-data/iam`]),
      recordingBody(meeting, ['http://169.254.169.254/latest/meta-data/']),
      recordingBody(meeting, ['https://zoom.us.attacker.example/rec/download/x']),
    ];
    for (const body of bodies) expect(await postSigned(quorum, 'zten', tenantSecret, body)).toBe(200);
    await quorum.zoomCloud.idle();
    const reasons = [];
    for (const body of bodies) {
      const delivery = await quorum.zoomCloud.deliveries.get(keyOf('zten', body));
      expect(delivery).toMatchObject({ status: 'refused', sessionId: null });
      expect(delivery?.body).not.toContain('download_token');
      reasons.push(delivery?.refusedBecause);
    }
    expect(reasons[0]).toContain('127.0.0.1');
    expect(reasons[1]).toContain('169.254.169.254');
    expect(reasons[2]).toContain('not a Zoom host');
    expect(internal.hits).toEqual([]);
    expect(await quorum.artifacts.list(session.id)).toEqual([]);
    expect((await quorum.sessions.get(session.id))?.state).toBe('awaiting_cloud_recording');
  });

  it('a redirect off the allowed hosts is refused before it is followed; one within them is followed', async () => {
    const target = await countingServer();
    const allowed = await countingServer((req, res) => {
      if (req.url?.startsWith('/away')) res.writeHead(302, { location: `${target.origin}/secret` }).end();
      else if (req.url?.startsWith('/hop')) res.writeHead(301, { location: '/file' }).end();
      else res.writeHead(200).end('audio bytes');
    });
    try {
      const { session } = await requestRecording(quorum, 'zten', `https://acme.zoom.us/j/${meetingNumber()}?pwd=x`, 30, -60_000);
      const deps = { artifacts: quorum.artifacts, deliveries: quorum.zoomCloud.deliveries, log: quorum.logger, attempts: 2, backoffMs: 0, hosts: new ZoomHosts([allowed.origin]) };
      const object = (path: string) => recordingObjectSchema.parse({ id: 1, uuid: `u-${path}`, recording_files: [{ id: `file-${path}`, file_type: 'M4A', download_url: `${allowed.origin}${path}` }] });
      const refused = fetchRecording(deps, { session, object: object('/away'), downloadToken: 't', api: undefined });
      await expect(refused).rejects.toBeInstanceOf(RefusedDownloadError);
      await expect(refused).rejects.toThrow(/redirected to .*127\.0\.0\.1/);
      expect(target.hits).toEqual([]);
      // Refused, not retried: one request to the allowed host.
      expect(allowed.hits.filter((hit) => hit.startsWith('/away'))).toHaveLength(1);
      const followed = await fetchRecording(deps, { session, object: object('/hop'), downloadToken: 't', api: undefined });
      expect(followed.artifactIds).toHaveLength(1);
      expect(allowed.hits.some((hit) => hit.startsWith('/file'))).toBe(true);
    } finally {
      await target.close();
      await allowed.close();
    }
  });

  it('takes further download origins from the operator\'s configuration only, as exact origins', () => {
    expect(loadConfig({ QUORUM_ZOOM_DOWNLOAD_ORIGINS: 'https://files.example.com/rec, http://proxy.internal:3128' }).QUORUM_ZOOM_DOWNLOAD_ORIGINS).toEqual(['https://files.example.com', 'http://proxy.internal:3128']);
    expect(loadConfig({}).QUORUM_ZOOM_DOWNLOAD_ORIGINS).toEqual([]);
    expect(() => loadConfig({ QUORUM_ZOOM_DOWNLOAD_ORIGINS: 'files.example.com' })).toThrow(/QUORUM_ZOOM_DOWNLOAD_ORIGINS/);
    const hosts = new ZoomHosts(['https://files.example.com']);
    expect(hosts.refusalOf('https://files.example.com/a.mp4')).toBeUndefined();
    expect(hosts.refusalOf('https://other.example.com/a.mp4')).toBeDefined();
  });

  it('Zoom hosts: zoom.us, zoomgov.com and their subdomains over https on the default port, nothing else', () => {
    const hosts = new ZoomHosts(['http://127.0.0.1:4567']);
    for (const ok of ['https://zoom.us/rec/download/a', 'https://us06web.zoom.us/rec/download/a', 'https://ssrweb.zoom.us/x', 'https://zoomgov.com/a', 'https://x.zoomgov.com/a', 'https://ZOOM.US./a', 'http://127.0.0.1:4567/rec']) {
      expect(hosts.refusalOf(ok), ok).toBeUndefined();
    }
    for (const bad of ['http://zoom.us/a', 'https://zoom.us:8443/a', 'https://user:pw@zoom.us/a', 'https://evilzoom.us/a', 'https://zoom.us.evil.example/a', 'http://127.0.0.1:4568/rec', 'http://169.254.169.254/', 'https://localhost/', 'file:///etc/passwd', 'not a url']) {
      expect(hosts.refusalOf(bad), bad).toBeDefined();
    }
  });
});
