import { describe, expect, it } from 'vitest';
import { checkEligibility } from './check.js';
import type { HostAccount } from './facts.js';
import { withHostAccount, type HostAccountQuery } from './host-account.js';
import { acme, codes, facts, hours, links } from './test-fixtures.js';

const zoomCloud = (hostAccount?: HostAccount) => facts({ meeting: { links: [links.zoom] }, ...(hostAccount ? { hostAccount } : {}) });
const ruleOf = (decision: ReturnType<typeof checkEligibility>) => decision.checks.find((check) => check.rule === 'zoom_meeting_outside_account');

describe('the Zoom host-account rule (pure)', () => {
  it('a cloud-mode meeting outside the account is refused, saying why and what to change', () => {
    const decision = checkEligibility(zoomCloud({ hosted: 'outside', detail: 'Zoom answered 404, code 3001' }));
    expect(decision).toMatchObject({ eligible: false, plan: 'none', provider: 'zoom' });
    expect(codes(decision)).toEqual(['zoom_meeting_outside_account']);
    const [reason] = decision.reasons;
    expect(reason?.setting).toBe('providers.zoom.mode');
    expect(reason?.message).toContain("not hosted in Acme's Zoom account (Zoom answered 404, code 3001)");
    expect(reason?.message).toContain('Ask the host to invite Quorum');
    expect(reason?.message).toContain('"local"');
  });

  it('inside the account it passes and plans zoom_cloud', () => {
    const decision = checkEligibility(zoomCloud({ hosted: 'inside' }));
    expect(decision).toMatchObject({ eligible: true, plan: 'zoom_cloud' });
    expect(ruleOf(decision)).toMatchObject({ passed: true });
    expect(ruleOf(decision)?.skipped).toBeUndefined();
  });

  it("inside, a meeting whose cloud recording does not start by itself is planned with a warning, not refused", () => {
    for (const autoRecording of ['local', 'none']) {
      const decision = checkEligibility(zoomCloud({ hosted: 'inside', autoRecording }));
      expect(decision).toMatchObject({ eligible: true, plan: 'zoom_cloud', reasons: [] });
      const check = ruleOf(decision);
      expect(check).toMatchObject({ passed: true });
      expect(check?.skipped).toBeUndefined();
      expect(check?.warning).toContain('cloud recording is not set to start automatically for this meeting: the host must start Record to the cloud, or turn on automatic cloud recording in Zoom');
      expect(check?.warning).toContain('the host must start Record to the cloud, or turn on automatic cloud recording in Zoom');
      expect(check?.warning).toContain(`"${autoRecording}"`);
      expect(check?.message).toContain(`Warning: ${check?.warning ?? ''}`);
    }
    for (const quiet of [{ hosted: 'inside', autoRecording: 'cloud' }, { hosted: 'inside' }] as const) {
      const check = ruleOf(checkEligibility(zoomCloud(quiet)));
      expect(check?.warning).toBeUndefined();
      expect(check?.message).not.toContain('Warning');
    }
  });

  it('when Zoom could not be asked, or nobody asked, it passes as not verified with why', () => {
    const down = checkEligibility(zoomCloud({ hosted: 'unverified', why: "Zoom's API did not answer within 3 s" }));
    expect(down).toMatchObject({ eligible: true, plan: 'zoom_cloud' });
    expect(ruleOf(down)).toMatchObject({ passed: true, skipped: 'not_verified' });
    expect(ruleOf(down)?.message).toContain("Zoom's API did not answer within 3 s");
    expect(ruleOf(checkEligibility(zoomCloud()))).toMatchObject({ passed: true, skipped: 'not_verified' });
  });

  it('does not apply to local mode or to other providers, whatever the fact says', () => {
    const local = acme((company) => (company.providers.zoom.mode = 'local'));
    const outside: HostAccount = { hosted: 'outside', detail: 'x' };
    const bot = checkEligibility(facts({ company: local, meeting: { links: [links.zoom] }, hostAccount: outside }));
    expect(bot).toMatchObject({ eligible: true, plan: 'bot' });
    expect(ruleOf(bot)).toMatchObject({ passed: true, skipped: 'not_applicable' });
    expect(ruleOf(checkEligibility(facts({ hostAccount: outside })))).toMatchObject({ skipped: 'not_applicable' });
  });
});

describe('withHostAccount: the fact gathered before the check', () => {
  const asked: HostAccountQuery[] = [];
  const lookups = {
    zoom: (query: HostAccountQuery): Promise<HostAccount> => {
      asked.push(query);
      return Promise.resolve({ hosted: 'outside', detail: 'asked' });
    },
  };

  it("asks the plan's provider for a cloud-mode meeting, with the link the check would use", async () => {
    asked.length = 0;
    const gathered = await withHostAccount(zoomCloud(), lookups);
    expect(gathered.hostAccount).toEqual({ hosted: 'outside', detail: 'asked' });
    expect(asked.map((query) => [query.company.id, query.provider, query.joinUrl])).toEqual([['acme', 'zoom', links.zoom.url]]);
  });

  it('asks nothing for a bot plan, a meeting without a company, or one already over', async () => {
    asked.length = 0;
    const local = acme((company) => (company.providers.zoom.mode = 'local'));
    expect((await withHostAccount(facts({ company: local, meeting: { links: [links.zoom] } }), lookups)).hostAccount).toBeUndefined();
    expect((await withHostAccount(facts(), lookups)).hostAccount).toBeUndefined();
    expect((await withHostAccount(facts({ company: undefined, meeting: { links: [links.zoom] } }), lookups)).hostAccount).toBeUndefined();
    const over = await withHostAccount(facts({ meeting: { links: [links.zoom], startsAt: hours(-2), endsAt: hours(-1) } }), lookups);
    expect(over.hostAccount).toMatchObject({ hosted: 'unverified' });
    const off = acme((company) => (company.providers.zoom.enabled = false));
    const disabled = await withHostAccount(facts({ company: off, meeting: { links: [links.zoom] } }), lookups);
    expect(disabled.hostAccount).toBeUndefined();
    expect(ruleOf(checkEligibility(disabled))).toMatchObject({ skipped: 'not_evaluated' });
    expect(asked).toEqual([]);
  });

  it('without a lookup for the provider the fact is unverified, not refused', async () => {
    const gathered = await withHostAccount(zoomCloud(), {});
    expect(gathered.hostAccount).toMatchObject({ hosted: 'unverified' });
    expect(checkEligibility(gathered).eligible).toBe(true);
  });
});
