import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ProviderId } from '../../providers/types.js';
import type { ConsentChoiceTable, ConsentLinkTable, Database } from '../store/schema.js';

export type ConsentLinkType = 'static' | 'dynamic';
export type ConsentChoice = 'record' | 'no_record';

/** A consent link as stored: never its token, which only its creator ever sees. */
export interface StoredConsentLink {
  id: string;
  companyId: string;
  linkType: ConsentLinkType;
  /** Static links: the user whose personal room this is. */
  userEmail: string | null;
  /** Dynamic links: the meeting (iCalendar UID or the caller's id). */
  meetingId: string | null;
  provider: ProviderId;
  /** Where the page sends participants (and the bot joins): the only redirect target. */
  conferenceUrl: string;
  /** The provider's canonical form of `conferenceUrl`; sessions are matched on it. */
  meetingKey: string;
  title: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export interface StoredChoice {
  id: string;
  linkId: string;
  /** The session the choice counted for when it was made (none planned yet: null). */
  sessionId: string | null;
  choice: ConsentChoice;
  at: string;
  participant: string;
  addressHash: string | null;
  userAgent: string | null;
}

export type NewConsentLink = Omit<StoredConsentLink, 'id' | 'createdAt' | 'revokedAt'> & { tokenHash: string };

export interface LinkFilter {
  companyId: string;
  userEmail?: string;
  meetingId?: string;
  linkType?: ConsentLinkType;
  provider?: ProviderId;
  activeOnly?: boolean;
}

/** Consent links and choices (tables from migration 0006_consent). */
export class ConsentStore {
  constructor(private readonly db: Kysely<Database>) {}

  async createLink(input: NewConsentLink): Promise<StoredConsentLink> {
    const row: ConsentLinkTable = {
      id: randomUUID(),
      token_hash: input.tokenHash,
      company_id: input.companyId,
      link_type: input.linkType,
      user_email: input.userEmail,
      meeting_id: input.meetingId,
      provider: input.provider,
      conference_url: input.conferenceUrl,
      meeting_key: input.meetingKey,
      title: input.title,
      created_at: new Date().toISOString(),
      revoked_at: null,
    };
    await this.db.insertInto('consent_links').values(row).execute();
    return toLink(row);
  }

  async revoke(id: string): Promise<void> {
    await this.db.updateTable('consent_links').set({ revoked_at: new Date().toISOString() }).where('id', '=', id).execute();
  }

  /** The active link with this token hash; revoked links no longer open (as with Gong's changed links). */
  async byTokenHash(tokenHash: string): Promise<StoredConsentLink | undefined> {
    const row = await this.db.selectFrom('consent_links').selectAll().where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst();
    return row ? toLink(row) : undefined;
  }

  async list(filter: LinkFilter): Promise<StoredConsentLink[]> {
    let query = this.db.selectFrom('consent_links').selectAll().where('company_id', '=', filter.companyId);
    if (filter.userEmail !== undefined) query = query.where('user_email', '=', filter.userEmail);
    if (filter.meetingId !== undefined) query = query.where('meeting_id', '=', filter.meetingId);
    if (filter.linkType !== undefined) query = query.where('link_type', '=', filter.linkType);
    if (filter.provider !== undefined) query = query.where('provider', '=', filter.provider);
    if (filter.activeOnly === true) query = query.where('revoked_at', 'is', null);
    const rows = await query.orderBy('created_at').execute();
    return rows.map(toLink);
  }

  /** Every link (revoked ones too: choices made on them still count) leading to this meeting. */
  async linksForMeeting(companyId: string, meetingKey: string): Promise<StoredConsentLink[]> {
    const rows = await this.db.selectFrom('consent_links').selectAll().where('company_id', '=', companyId).where('meeting_key', '=', meetingKey).execute();
    return rows.map(toLink);
  }

  async addChoice(input: Omit<StoredChoice, 'id'>): Promise<StoredChoice> {
    const row: ConsentChoiceTable = {
      id: randomUUID(),
      link_id: input.linkId,
      session_id: input.sessionId,
      choice: input.choice,
      at: input.at,
      participant: input.participant,
      address_hash: input.addressHash,
      user_agent: input.userAgent,
    };
    await this.db.insertInto('consent_choices').values(row).execute();
    return toChoice(row);
  }

  /** Choices on these links up to `until` (ISO), oldest first. */
  async choices(linkIds: readonly string[], until?: string, participant?: string): Promise<StoredChoice[]> {
    if (linkIds.length === 0) return [];
    let query = this.db.selectFrom('consent_choices').selectAll().where('link_id', 'in', linkIds);
    if (until !== undefined) query = query.where('at', '<=', until);
    if (participant !== undefined) query = query.where('participant', '=', participant);
    const rows = await query.orderBy('at').orderBy('id').execute();
    return rows.map(toChoice);
  }

  async choiceCounts(linkIds: readonly string[]): Promise<Map<string, Record<ConsentChoice, number>>> {
    const counts = new Map<string, Record<ConsentChoice, number>>();
    for (const choice of await this.choices(linkIds)) {
      const entry = counts.get(choice.linkId) ?? { record: 0, no_record: 0 };
      entry[choice.choice] += 1;
      counts.set(choice.linkId, entry);
    }
    return counts;
  }
}

function toLink(row: ConsentLinkTable): StoredConsentLink {
  return {
    id: row.id,
    companyId: row.company_id,
    linkType: row.link_type as ConsentLinkType,
    userEmail: row.user_email,
    meetingId: row.meeting_id,
    provider: row.provider as ProviderId,
    conferenceUrl: row.conference_url,
    meetingKey: row.meeting_key,
    title: row.title,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

function toChoice(row: ConsentChoiceTable): StoredChoice {
  return {
    id: row.id,
    linkId: row.link_id,
    sessionId: row.session_id,
    choice: row.choice as ConsentChoice,
    at: row.at,
    participant: row.participant,
    addressHash: row.address_hash,
    userAgent: row.user_agent,
  };
}
