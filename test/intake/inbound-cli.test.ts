import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import { tableResolver } from '../../src/intake/dns.js';
import { createDkimKey, signMessage } from '../../src/intake/mail-auth.js';
import { startQuorum, type Quorum } from '../../src/main.js';
import { runCli } from '../helpers/cli.js';
import { adminToken, testConfig } from '../helpers/quorum.js';
import { inviteMail } from './mail.js';

const ASSISTANT = 'assistant@acme.example';
const key = createDkimKey('acme.example');
let quorum: Quorum;
let cliEnv: Record<string, string>;

async function cli(args: string[]): Promise<string> {
  const run = runCli(args, cliEnv);
  const code = await run.exited;
  if (code !== 0) throw new Error(`quorum ${args.join(' ')} exited ${String(code)}:\n${run.output()}`);
  return run.output();
}

beforeAll(async () => {
  quorum = await startQuorum(testConfig(), { dnsResolver: tableResolver(key.dns) });
  await quorum.companies.put({ id: 'acme', name: 'Acme', assistantAddress: ASSISTANT, settings: defaultCompanySettings({ adminEmail: 'ada@acme.example' }) });
  cliEnv = { QUORUM_API_URL: quorum.url, QUORUM_ADMIN_TOKEN: adminToken };
});

afterAll(async () => {
  await quorum?.close();
});

describe('quorum inbound', () => {
  it('lists received invite e-mails, shows one with why it was turned down, and runs it again once the requester has a seat', async () => {
    const start = new Date(Math.floor((Date.now() + 2 * 86_400_000) / 60_000) * 60_000);
    const raw = await signMessage(inviteMail({ uid: 'cli-1', start, organizer: 'carol@partner.example', link: 'https://meet.google.com/cli-aaaa-bbb', summary: 'From the terminal' }, { from: 'erin@acme.example', to: ASSISTANT, forward: true }), key);
    const posted = await fetch(`${quorum.url}/v1/inbound/email?ip=127.0.0.1&mailFrom=erin@acme.example`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'message/rfc822' }, body: new Uint8Array(raw) });
    const { id } = (await posted.json()) as { id: string };

    const listed = JSON.parse(await cli(['inbound', 'list', '--json'])) as { messages: Array<{ id: string; status: string }> };
    expect(listed.messages).toEqual([expect.objectContaining({ id, status: 'processed' })]);
    const shown = await cli(['inbound', 'show', id]);
    expect(shown).toContain('From the terminal: applied');
    expect(shown).toContain('requester_unknown');

    const company = await quorum.companies.get('acme');
    if (!company) throw new Error('no company');
    const users = { ...(company.settings.users as Record<string, unknown>), 'erin@acme.example': { email: 'erin@acme.example', seat: true, permissionProfile: 'admin', recordable: true } };
    await quorum.companies.put({ ...company, settings: { ...company.settings, users } });
    const again = await cli(['inbound', 'reprocess', id]);
    expect(again).toContain(`${id}: processed`);
    expect(again).toMatch(/new\s+[0-9a-f-]{36}/);
    const [session] = await quorum.sessions.list({ companyId: 'acme' });
    expect(session).toMatchObject({ title: 'From the terminal', requestedBy: 'erin@acme.example', state: 'scheduled' });
  });
});
