import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Decision } from '../eligibility/check.js';
import type { EventOutcome, OccurrenceOutcome } from './outcomes.js';

export interface ReplyMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  inReplyTo?: string;
}

/** The port replies leave through; the default sends to the configured relay with nodemailer. */
export interface Replier {
  send(mail: ReplyMail): Promise<void>;
}

/** A replier for `smtp://host:port` (or `smtps://`); certificates of a loopback relay are not checked. */
export function relayReplier(relayUrl: string, log: Logger): Replier {
  const url = new URL(relayUrl);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 25)),
    secure: url.protocol === 'smtps:',
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    tls: { rejectUnauthorized: !['127.0.0.1', 'localhost', '::1'].includes(url.hostname) },
    connectionTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(mail) {
      const to = singleAddress(mail.to);
      await transport.sendMail({
        // The envelope is pinned: a header value the invite sender shaped never adds a recipient.
        envelope: { from: mail.from, to: [to] },
        from: mail.from,
        to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.inReplyTo ? { inReplyTo: oneLine(mail.inReplyTo), references: oneLine(mail.inReplyTo) } : {}),
        headers: { 'Auto-Submitted': 'auto-replied' },
      });
      log.info({ to: mail.to, subject: mail.subject }, 'reply sent');
    },
  };
}

/** Whether `value` is one bare e-mail address (no name, no list, nothing a header could smuggle in). */
export function isSingleAddress(value: string): boolean {
  return /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/.test(value);
}

/** One bare address, or an error: the recipient comes from the invite (its sender or organizer), never a list. */
export function singleAddress(value: string): string {
  const address = value.trim();
  if (!isSingleAddress(address)) throw new Error('the reply recipient is not one e-mail address; no reply sent');
  return address;
}

/** Header text from the invite (its subject) on one line, without control characters. */
function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** What the reply reports: the outcome of one inbound message. */
export interface ReplyInput {
  subject?: string;
  /** A rejection of the whole message (unreadable mail, unknown address, ...), with what to do. */
  rejection?: { code: string; message: string };
  events: EventOutcome[];
}

const MAX_LISTED = 10;

function when(occurrence: OccurrenceOutcome): string {
  return `${occurrence.startsAt.replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, ' UTC')}`;
}

function reasonLines(decision: Decision | undefined): string[] {
  if (!decision) return [];
  return decision.reasons.map((reason) => `    - ${reason.code}: ${reason.message}${reason.setting ? ` (setting: ${reason.setting})` : ''}`);
}

/**
 * What the planned occurrences still need from someone (Check.warning), so "will be recorded" is not taken as
 * certain; each warning once, though a series repeats it for every occurrence.
 */
function warningLines(occurrences: readonly OccurrenceOutcome[]): string[] {
  const planned = occurrences.filter((occurrence) => occurrence.status === 'planned');
  const warnings = new Set(planned.flatMap((occurrence) => (occurrence.decision?.checks ?? []).flatMap((check) => (check.warning ? [check.warning] : []))));
  return [...warnings].map((warning) => `  Warning: ${warning}`);
}

function occurrenceLines(occurrence: OccurrenceOutcome): string[] {
  const provider = occurrence.provider ? ` (${occurrence.provider})` : '';
  switch (occurrence.change) {
    case 'new':
    case 'unchanged':
    case 'started':
      if (occurrence.status === 'planned') return [`  - ${when(occurrence)}${provider}: will be recorded${occurrence.change === 'new' ? '' : ' (already planned)'}.`];
      break;
    case 'moved':
      return [`  - ${when(occurrence)}${provider}: rescheduled; will be recorded at the new time.`];
    case 'cancelled':
      return [`  - ${when(occurrence)}: cancelled; it will not be recorded.`];
    default:
      break;
  }
  if (occurrence.status === 'cancelled') return [`  - ${when(occurrence)}: cancelled; it will not be recorded.`];
  return [`  - ${when(occurrence)}${provider}: will NOT be recorded, because:`, ...reasonLines(occurrence.decision)];
}

function eventLines(event: EventOutcome): string[] {
  const title = `"${event.title ?? event.uid}"`;
  const head: Record<EventOutcome['result'], string> = {
    applied: `${title}:`,
    rejected: `${title}:`,
    cancelled: `${title} was cancelled:`,
    duplicate: `${title}: this version (sequence ${event.sequence}) was already received; nothing changed.`,
    ignored_lower_sequence: `${title}: ignored, because a newer version (sequence ${event.currentSequence ?? '?'}) than this one (sequence ${event.sequence}) was already received. Forward the latest invite instead.`,
    not_authorized: `${title}: ignored, because the change did not come from the meeting's organizer or whoever asked for the recording.`,
  };
  const lines = [head[event.result]];
  if (event.result === 'ignored_lower_sequence' || event.result === 'not_authorized') return lines;
  for (const occurrence of event.occurrences.slice(0, MAX_LISTED)) lines.push(...occurrenceLines(occurrence));
  if (event.occurrences.length > MAX_LISTED) lines.push(`  ... and ${event.occurrences.length - MAX_LISTED} more occurrences.`);
  lines.push(...warningLines(event.occurrences));
  if (event.occurrences.length === 0 && event.result !== 'duplicate') lines.push('  - no occurrence in the planning horizon.');
  return lines;
}

/** The reply's text: what will be recorded (when, which provider), or why not and what to change. */
export function composeReply(input: ReplyInput): { subject: string; text: string } {
  const subject = `Re: ${oneLine(input.subject ?? '') || 'your invite'}`.slice(0, 250);
  if (input.rejection) {
    const text = [`Quorum could not use this invite (${input.rejection.code}).`, '', input.rejection.message, ''].join('\n');
    return { subject, text };
  }
  const lines = ['Quorum received this invite.', ''];
  for (const event of input.events) lines.push(...eventLines(event), '');
  return { subject, text: lines.join('\n') };
}
