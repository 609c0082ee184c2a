import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../../src/cli/client.js';
import { registerExplainCommand } from '../../src/cli/explain.js';
import { loadConfig } from '../../src/config.js';
import type { Decision } from '../../src/eligibility/check.js';
import type { Quorum } from '../../src/main.js';
import { adminToken, api, startTestQuorum } from '../helpers/quorum.js';
import { createCompany, inAnHour } from './tenancy-fixtures.js';

const ics = (description: string) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'METHOD:REQUEST',
    'BEGIN:VEVENT',
    'UID:explain-1@acme.example',
    'DTSTAMP:20260101T000000Z',
    `DTSTART:${new Date(Date.now() + 3_600_000).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`,
    `DTEND:${new Date(Date.now() + 7_200_000).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`,
    'SUMMARY:Interview with a rival',
    'CLASS:PRIVATE',
    'ORGANIZER:mailto:boss@acme.example',
    'ATTENDEE:mailto:someone@rival.example',
    `DESCRIPTION:${description}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

/** Counts of every table a request could write to: explain must leave them all as they were. */
async function footprint(quorum: Quorum): Promise<Record<string, number>> {
  const tables = ['sessions', 'events', 'meetings', 'meeting_occurrences', 'inbound_messages', 'consent_links', 'consent_choices', 'companies', 'api_tokens'] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = (await quorum.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
  return counts;
}

describe('explain', () => {
  let quorum: Quorum;
  beforeAll(async () => {
    quorum = await startTestQuorum();
    await createCompany(quorum, 'acme', 'Acme');
    await api(quorum, 'PUT', '/v1/companies/acme/automatic-recording', { calendarAccess: false, exclusions: { privateMeetings: true, blockedDomains: ['rival.example'], keywords: ['interview'] } });
  });
  afterAll(async () => {
    await quorum.close();
  });

  it('returns the Decision for a URL or an .ics, with the setting to change, and stores nothing', async () => {
    const before = await footprint(quorum);
    const viewer = await api<{ decision: Decision }>(quorum, 'POST', '/v1/explain', { company: 'acme', meetingUrl: 'https://zoom.us/j/85012345678', requesterEmail: 'viewer@acme.example', ...inAnHour() });
    expect(viewer.status).toBe(200);
    expect(viewer.body.decision.reasons.map((r) => [r.code, r.setting])).toEqual([
      ['requester_lacks_manual_permission', 'permissionProfiles.view.manualScheduleAndUpload'],
      ['provider_disabled', 'providers.zoom.enabled'],
      ['provider_misconfigured', 'providers.zoom.accountId'],
      ['provider_misconfigured', 'providers.zoom.clientId'],
      ['provider_misconfigured', 'providers.zoom.clientSecret'],
      ['provider_misconfigured', 'providers.zoom.webhookSecretToken'],
    ]);
    // A private meeting with a blocked domain and an excluded keyword: automatic recording would skip it, a manual request does not.
    const manual = await api<{ decision: Decision }>(quorum, 'POST', '/v1/explain', { company: 'acme', ics: ics('Join: https://meet.google.com/abc-defg-hij'), requesterEmail: 'boss@acme.example' });
    expect(manual.body.decision).toMatchObject({ eligible: true, plan: 'bot', provider: 'meet', joinUrl: 'https://meet.google.com/abc-defg-hij' });
    const skipped = manual.body.decision.checks.filter((check) => check.rule.startsWith('excluded_') || check.rule === 'calendar_access_missing');
    expect(skipped.map((check) => check.skipped)).toEqual(['not_applicable', 'not_applicable', 'not_applicable', 'not_applicable', 'not_applicable']);
    expect(await footprint(quorum)).toEqual(before);
  });

  it('holds a company token to its own company', async () => {
    const token = (await api<{ token: string }>(quorum, 'POST', '/v1/companies/acme/tokens', { name: 'cli' })).body.token;
    expect((await api(quorum, 'POST', '/v1/explain', { company: 'default', meetingUrl: 'https://meet.google.com/abc-defg-hij', requesterEmail: 'boss@acme.example' }, token)).status).toBe(404);
    expect((await api(quorum, 'POST', '/v1/explain', { company: 'acme', meetingUrl: 'https://meet.google.com/abc-defg-hij' }, token)).status).toBe(400);
  });

  it('quorum explain prints the verdict and every rule, and exits 2 when not eligible', async () => {
    const config = loadConfig({}, { QUORUM_API_URL: quorum.url, QUORUM_ADMIN_TOKEN: adminToken, QUORUM_DATA_DIR: '/nonexistent' });
    const output: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => output.push(String(chunk)) > 0);
    try {
      const program = new Command('quorum').exitOverride();
      registerExplainCommand(program, () => new ApiClient(config));
      await program.parseAsync(['explain', 'https://meet.google.com/abc-defg-hij', '--company', 'acme', '--requester', 'viewer@acme.example'], { from: 'user' });
    } finally {
      write.mockRestore();
    }
    const text = output.join('');
    expect(text).toContain('not eligible: manual request, plan none, provider meet');
    expect(text).toContain('setting: permissionProfiles.view.manualScheduleAndUpload');
    expect(text).toContain('– excluded_keyword (not applicable): does not apply to manual requests');
    expect(process.exitCode).toBe(2);
    process.exitCode = 0;
  });
});
