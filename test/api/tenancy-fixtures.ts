import type { CompanySettingsInput } from '../../src/eligibility/settings.js';
import { api } from '../helpers/quorum.js';
import type { Quorum } from '../../src/main.js';

/** A company that can record Meet: boss@<id>.example may ask, viewer@<id>.example may not. */
export function companyDoc(id: string, name: string): CompanySettingsInput {
  return {
    id,
    name,
    assistantAddress: `assistant@${id}.example`,
    botName: `${name} Notes`,
    emailDomains: [`${id}.example`],
    providers: { meet: { enabled: true } },
    permissionProfiles: { rec: { name: 'Recorder', manualScheduleAndUpload: true }, view: { name: 'Viewer', manualScheduleAndUpload: false } },
    consentProfiles: { open: { name: 'Open', enforceConsent: false, linkTypes: {} } },
    users: {
      [`boss@${id}.example`]: { email: `boss@${id}.example`, seat: true, permissionProfile: 'rec', consentProfile: 'open', recordable: true },
      [`viewer@${id}.example`]: { email: `viewer@${id}.example`, seat: true, permissionProfile: 'view', consentProfile: 'open', recordable: false },
    },
  };
}

export async function createCompany(quorum: Quorum, id: string, name: string): Promise<void> {
  const created = await api(quorum, 'POST', '/v1/companies', companyDoc(id, name));
  if (created.status !== 201) throw new Error(`company ${id} not created: ${created.status} ${JSON.stringify(created.body)}`);
}

export async function companyToken(quorum: Quorum, id: string): Promise<{ token: string; id: string }> {
  const created = await api<{ token: string; id: string }>(quorum, 'POST', `/v1/companies/${id}/tokens`, { name: `${id} integration` });
  if (created.status !== 201) throw new Error(`token for ${id} not created: ${created.status}`);
  return created.body;
}

/** Companies alpha and bravo, each with a company token: the usual pair for "one tenant cannot reach the other". */
export async function twoTenants(quorum: Quorum): Promise<{ alphaToken: string; bravoToken: string }> {
  await createCompany(quorum, 'alpha', 'Alpha');
  await createCompany(quorum, 'bravo', 'Bravo');
  return { alphaToken: (await companyToken(quorum, 'alpha')).token, bravoToken: (await companyToken(quorum, 'bravo')).token };
}

export const inAnHour = () => ({ startsAt: new Date(Date.now() + 3_600_000).toISOString(), endsAt: new Date(Date.now() + 7_200_000).toISOString() });
