import { z } from 'zod';
import { matchLink } from '../../providers/registry.js';
import type { Company } from '../companies/company-store.js';
import type { ConsentLinkType, ConsentStore, StoredConsentLink } from './store.js';
import { hashToken, newToken } from './tokens.js';

/**
 * Creating consent-enabled links. A static link belongs to a user (their personal meeting room), a dynamic
 * link to one meeting; either way it leads to exactly one stored conference link of one company. Every
 * token is 256 random bits, so a static link is always "protected by a unique token"; there is no
 * guessable form, because a guessable link would let anyone record choices for a meeting.
 */
export const createLinkSchema = z
  .object({
    type: z.enum(['static', 'dynamic']).optional(),
    /** Static: the user whose personal room this is. Dynamic: optional owner, whose consent profile sets the type. */
    user: z.email().optional(),
    /** Dynamic: the meeting this link is for (its iCalendar UID, or any id of the caller's). */
    meetingId: z.string().min(1).max(500).optional(),
    conferenceUrl: z.url({ error: 'conferenceUrl must be a URL' }).max(2000),
    title: z.string().max(500).optional(),
    /** Revoke the user's (or meeting's) current link and issue a new token. */
    replace: z.boolean().default(false),
  })
  .strict();

export type CreateLinkRequest = z.infer<typeof createLinkSchema>;

export class ConsentLinkRejected extends Error {
  constructor(
    readonly status: 404 | 409 | 422,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConsentLinkRejected';
  }
}

export interface CreatedLink {
  link: StoredConsentLink;
  /** Shown once: only its hash is stored. */
  token: string;
}

interface UserEntry {
  consentProfile?: unknown;
}

/** The user's consent profile's link type for a provider, read leniently from the stored settings. */
function profileLinkType(company: Company, email: string | undefined, provider: string): ConsentLinkType | undefined {
  if (email === undefined) return undefined;
  const users = company.settings.users as Record<string, UserEntry> | undefined;
  const profileId = users?.[email.toLowerCase()]?.consentProfile;
  if (typeof profileId !== 'string') return undefined;
  const profiles = company.settings.consentProfiles as Record<string, { linkTypes?: Record<string, unknown> }> | undefined;
  const type = profiles?.[profileId]?.linkTypes?.[provider];
  return type === 'static' || type === 'dynamic' ? type : undefined;
}

function resolveType(request: CreateLinkRequest, company: Company, provider: string): ConsentLinkType {
  const fromProfile = profileLinkType(company, request.user, provider);
  const type = request.type ?? fromProfile ?? (request.meetingId !== undefined ? 'dynamic' : 'static');
  if (fromProfile !== undefined && fromProfile !== type) {
    throw new ConsentLinkRejected(422, 'consent_link_type_mismatch', `${request.user ?? ''}'s consent profile sets ${fromProfile} links for ${provider}, not ${type}`);
  }
  if (type === 'static' && request.user === undefined) throw new ConsentLinkRejected(422, 'invalid_request', 'a static link needs the user whose personal room it is (user)');
  if (type === 'dynamic' && request.meetingId === undefined) throw new ConsentLinkRejected(422, 'invalid_request', 'a dynamic link needs the meeting it is for (meetingId)');
  return type;
}

function conferenceLink(raw: string): { url: string; provider: StoredConsentLink['provider']; key: string } {
  const url = new URL(raw);
  // The page redirects browsers here, so only a provider's https link is accepted (no javascript:, data:, http:).
  if (url.protocol !== 'https:') throw new ConsentLinkRejected(422, 'conference_link_unsupported', 'conferenceUrl must be an https link');
  const match = matchLink(url.href);
  if (!match) throw new ConsentLinkRejected(422, 'conference_link_unsupported', `no supported conference provider recognizes ${url.href}`);
  return { url: url.href, provider: match.adapter.provider, key: match.ref.url };
}

export async function createConsentLink(store: ConsentStore, company: Company, request: CreateLinkRequest): Promise<CreatedLink> {
  const target = conferenceLink(request.conferenceUrl);
  const linkType = resolveType(request, company, target.provider);
  const userEmail = linkType === 'static' ? (request.user?.toLowerCase() ?? null) : null;
  const meetingId = linkType === 'dynamic' ? (request.meetingId ?? null) : null;
  const current =
    linkType === 'static'
      ? await store.list({ companyId: company.id, linkType, userEmail: userEmail ?? '', provider: target.provider, activeOnly: true })
      : await store.list({ companyId: company.id, linkType, meetingId: meetingId ?? '', activeOnly: true });
  if (current.length > 0 && !request.replace) {
    const owner = linkType === 'static' ? `user ${userEmail ?? ''} (${target.provider})` : `meeting ${meetingId ?? ''}`;
    throw new ConsentLinkRejected(409, 'consent_link_exists', `${owner} already has a consent link (${current[0]?.id ?? ''}); send replace: true to issue a new one`);
  }
  for (const old of current) await store.revoke(old.id);
  const token = newToken();
  const link = await store.createLink({
    tokenHash: hashToken(token),
    companyId: company.id,
    linkType,
    userEmail,
    meetingId,
    provider: target.provider,
    conferenceUrl: target.url,
    meetingKey: target.key,
    title: request.title ?? null,
  });
  return { link, token };
}
