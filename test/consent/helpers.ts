import type { Quorum } from '../../src/main.js';
import { api } from '../helpers/quorum.js';

export interface CreatedConsentLink {
  link: { id: string; type: string; conferenceUrl: string; provider: string };
  token: string;
  path: string;
  url: string;
}

/** Creates a consent link through the API, as an admin would. */
export async function createLink(quorum: Quorum, body: Record<string, unknown>, companyId = 'default'): Promise<CreatedConsentLink> {
  const response = await api<CreatedConsentLink>(quorum, 'POST', `/v1/companies/${companyId}/consent-links`, body);
  if (response.status !== 201) throw new Error(`consent link refused: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** A participant's click on the consent page, without following the redirect. */
export async function choose(quorum: Quorum, path: string, choice: string, init: { cookie?: string; userAgent?: string } = {}): Promise<Response> {
  return fetch(`${quorum.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': init.userAgent ?? 'consent-test',
      ...(init.cookie ? { cookie: init.cookie } : {}),
    },
    body: new URLSearchParams({ choice }).toString(),
  });
}
