import { simpleParser } from 'mailparser';
import type { AddressObject, Attachment, ParsedMail } from 'mailparser';
import { address } from './ical-fields.js';
import { parseCalendar } from './ical.js';
import type { CalendarOptions, ParseError, ParsedCalendar, Person } from './types.js';

/** Bigger than any invite with attachments we want to read; past this it is not worth parsing. */
const MAX_EMAIL_BYTES = 25 * 1024 * 1024;
/** A forward of a forward of a forward is plausible; deeper nesting is not an invite. */
const MAX_NESTING = 3;
/** Forward markers in subjects across mail clients and languages (Fwd, FW, WG, TR, RV, I, Doorst, VS, Enc). */
const FORWARD_SUBJECT = /^\s*(?:(?:re|aw|sv)\s*:\s*)*(?:fwd?|fw|wg|tr|rv|i|enc|doorst|vs|vb)\s*:/i;

export interface InviteEmailOptions extends CalendarOptions {
  maxBytes?: number;
}

/** Who asked for the recording, and how we know (DESIGN.md §1). */
export interface Requester {
  email: string;
  /**
   * `forward`: the sender forwarded someone's invite; `organizer`: the organizer (or SENT-BY delegate) invited us;
   * `sender`: no organizer to go by (or an iTIP reply), so the From address.
   */
  via: 'forward' | 'organizer' | 'sender';
}

export interface ParsedInviteEmail {
  from?: Person;
  to: Person[];
  cc: Person[];
  subject?: string;
  messageId?: string;
  /** Authentication-Results headers as received, for the DMARC/SPF/DKIM check eligibility runs. */
  authenticationResults: string[];
  forwarded: boolean;
  requester?: Requester;
  calendars: ParsedCalendar[];
  /** Calendar parts that could not be read; kept so "why was nothing scheduled" has an answer. */
  calendarErrors: ParseError[];
  /** Bodies of the outer message: a forward's note and the join block some clients only put in the body. */
  bodyText?: string;
  bodyHtml?: string;
}

interface FoundCalendar {
  calendar: ParsedCalendar;
  nested: boolean;
}

function people(value: AddressObject | AddressObject[] | undefined): Person[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  const result: Person[] = [];
  for (const entry of list.flatMap((object) => object.value).flatMap((item) => [item, ...(item.group ?? [])])) {
    const email = address(entry.address);
    if (email) result.push({ email, ...(entry.name ? { name: entry.name } : {}) });
  }
  return result;
}

function contentTypeParams(attachment: Attachment): Record<string, string> {
  const header = attachment.headers.get('content-type');
  const params: unknown = typeof header === 'object' && header !== null && 'params' in header ? header.params : undefined;
  return typeof params === 'object' && params !== null ? (params as Record<string, string>) : {};
}

function isCalendar(attachment: Attachment): boolean {
  const type = attachment.contentType.toLowerCase();
  if (type === 'text/calendar' || type === 'application/ics' || type === 'text/x-vcalendar') return true;
  // Domino and some gateways attach the .ics as text/plain or octet-stream; the name gives it away.
  return /\.(?:ics|vcs|ical)$/i.test(attachment.filename ?? contentTypeParams(attachment).name ?? '');
}

function decode(attachment: Attachment): string {
  const content = attachment.content as Buffer;
  const charset = contentTypeParams(attachment).charset ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(content);
  } catch {
    return content.toString('utf8');
  }
}

function readCalendarPart(attachment: Attachment, options: CalendarOptions): ParsedCalendar | ParseError {
  const parsed = parseCalendar(decode(attachment), options);
  if ('error' in parsed || parsed.method) return parsed;
  // Notes/Domino put METHOD only in the MIME header (corpus comm-central__invite.eml).
  const method = contentTypeParams(attachment).method?.trim().toUpperCase();
  return method ? { ...parsed, method } : parsed;
}

async function collect(mail: ParsedMail, options: CalendarOptions, depth: number, out: { found: FoundCalendar[]; errors: ParseError[] }): Promise<void> {
  for (const attachment of mail.attachments) {
    if (isCalendar(attachment)) {
      const parsed = readCalendarPart(attachment, options);
      if ('error' in parsed) out.errors.push(parsed);
      else out.found.push({ calendar: parsed, nested: depth > 0 });
    } else if (attachment.contentType.toLowerCase() === 'message/rfc822' && depth < MAX_NESTING) {
      // An invite forwarded "as attachment": the calendar is inside the attached message.
      await collect(await simpleParser(attachment.content as Buffer), options, depth + 1, out);
    }
  }
}

/** iTIP replies come from an attendee by design: a sender other than the organizer is no sign of a forward there. */
const ATTENDEE_METHODS = new Set(['REPLY', 'COUNTER', 'REFRESH']);

/** The same invite often comes twice (text/calendar part plus an invite.ics copy): keep the first. */
function identity(calendar: ParsedCalendar): string {
  const events = calendar.events.map((event) => [event.uid, event.recurrenceId, event.sequence, event.start].join('|'));
  // METHOD is left out: Domino's .ics copy lacks the METHOD its text/calendar part carries in the MIME header.
  return events.sort().join('\n');
}

function dedupe(found: FoundCalendar[]): FoundCalendar[] {
  const seen = new Set<string>();
  return found.filter(({ calendar }) => {
    const key = identity(calendar);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A forward when the calendar arrived inside an attached message, the subject says so, or the sender is neither
 * the organizer nor the organizer's SENT-BY delegate. The requester is then the sender; otherwise the organizer
 * or delegate who sent it, which is the From: SENT-BY is written by the sender, so it never names someone else.
 */
function requesterOf(from: Person | undefined, subject: string | undefined, found: FoundCalendar[]): { forwarded: boolean; requester?: Requester } {
  const organizer = found.flatMap(({ calendar }) => calendar.events).find((event) => event.organizer)?.organizer;
  const organizerMail = found.some(({ calendar }) => !ATTENDEE_METHODS.has(calendar.method ?? ''));
  const notOrganizer = from !== undefined && organizer !== undefined && from.email !== organizer.email && from.email !== organizer.sentBy;
  const forwarded = found.some(({ nested }) => nested) || FORWARD_SUBJECT.test(subject ?? '') || (organizerMail && notOrganizer);
  if (forwarded && from) return { forwarded, requester: { email: from.email, via: 'forward' } };
  if (organizer && organizerMail) return { forwarded, requester: { email: from?.email ?? organizer.email, via: 'organizer' } };
  return { forwarded, ...(from ? { requester: { email: from.email, via: 'sender' as const } } : {}) };
}

function headerStrings(mail: ParsedMail, name: string): string[] {
  const value = mail.headers.get(name);
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((item): item is string => typeof item === 'string');
}

/**
 * Reads an invite e-mail: the calendars it carries (text/calendar parts, .ics attachments, and those inside
 * forwarded messages), its addresses, and who is asking. Malformed mail returns a ParseError; nothing throws.
 */
export async function parseInviteEmail(raw: Buffer, options: InviteEmailOptions): Promise<ParsedInviteEmail | ParseError> {
  const maxBytes = options.maxBytes ?? MAX_EMAIL_BYTES;
  if (raw.length === 0) return { error: 'empty', message: 'the message is empty' };
  if (raw.length > maxBytes) return { error: 'too_large', message: `the message is over ${maxBytes} bytes` };
  let mail: ParsedMail;
  const out = { found: [] as FoundCalendar[], errors: [] as ParseError[] };
  try {
    mail = await simpleParser(raw, { skipTextToHtml: true, skipImageLinks: true });
    await collect(mail, options, 0, out);
  } catch (error) {
    return { error: 'unreadable_email', message: `not a readable e-mail: ${error instanceof Error ? error.message : String(error)}` };
  }
  const found = dedupe(out.found);
  if (found.length === 0) {
    const reason = out.errors[0];
    return reason ?? { error: 'no_calendar_in_email', message: 'the message carries no calendar (text/calendar part or .ics attachment)' };
  }
  const [from] = people(mail.from);
  const subject = mail.subject?.trim() || undefined;
  const html = typeof mail.html === 'string' ? mail.html : undefined;
  return {
    ...(from ? { from } : {}),
    to: people(mail.to),
    cc: people(mail.cc),
    ...(subject ? { subject } : {}),
    ...(mail.messageId ? { messageId: mail.messageId } : {}),
    authenticationResults: headerStrings(mail, 'authentication-results'),
    ...requesterOf(from, subject, found),
    calendars: found.map(({ calendar }) => calendar),
    calendarErrors: out.errors,
    ...(mail.text?.trim() ? { bodyText: mail.text } : {}),
    ...(html ? { bodyHtml: html } : {}),
  };
}
