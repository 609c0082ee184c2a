import type { ParsedInviteEmail } from './email.js';

// What intake reads straight off a message's raw headers: enough to name and answer a message whose MIME parsing
// failed, and to never answer automatic mail.

/** Subject, From and Message-ID: decoded when the mail parsed, else read off the raw headers (for the reply and the operator's list). */
export function headersOf(raw: Buffer, parsed: ParsedInviteEmail | undefined): { subject?: string; from?: string; messageId?: string } {
  const fallback = parsed ? {} : fallbackHeaders(raw);
  const subject = parsed?.subject ?? fallback.subject;
  const from = parsed?.from?.email ?? fallback.from;
  const messageId = parsed?.messageId ?? fallback.messageId;
  return { ...(subject ? { subject } : {}), ...(from ? { from } : {}), ...(messageId ? { messageId } : {}) };
}

/** A header of the raw message, unfolded; read without a MIME parser so it works on mail that failed parsing. */
function rawHeader(raw: Buffer, name: string): string | undefined {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end === -1 ? Math.min(raw.length, 65_536) : end).toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:[ \\t]*([^\\r\\n]*)`, 'im').exec(head);
  return match?.[1]?.trim() || undefined;
}

/** RFC 3834: never answer automatic mail (bounces, vacation replies, our own replies), nor bulk and list mail (§2). */
export function autoSubmitted(raw: Buffer): boolean {
  const value = rawHeader(raw, 'auto-submitted')?.split(';')[0]?.trim().toLowerCase();
  if (value !== undefined && value !== 'no') return true;
  // A relay posting to the HTTP intake writes the null reverse path of a bounce as `Return-Path: <>`.
  if (rawHeader(raw, 'return-path')?.replace(/\s+/g, '') === '<>') return true;
  const precedence = rawHeader(raw, 'precedence')?.toLowerCase();
  return precedence === 'bulk' || precedence === 'junk' || precedence === 'list';
}

/** Mail-system and list-robot mailboxes (RFC 3834 §2): answering one feeds a loop of bounces. */
const ROBOT_MAILBOX = /^(?:mailer-daemon|postmaster|listserv|majordomo|owner-.*|.*-request|.*-owner|no-?reply|do-?not-?reply)$/i;

/**
 * Whether a reply must not go out whatever the mail says: the SMTP reverse path was null (`MAIL FROM:<>`, a
 * bounce; RFC 5321 §4.5.5, RFC 3834 §2) or the recipient is a mail robot. Many bounces carry no Auto-Submitted.
 */
export function unanswerable(to: string, mailFrom: string | undefined): boolean {
  return mailFrom === '' || ROBOT_MAILBOX.test(to.split('@')[0] ?? '');
}

/** Subject and sender of a message whose parsing failed, so the reply still reaches and names it. */
function fallbackHeaders(raw: Buffer): { subject?: string; from?: string; messageId?: string } {
  const from = /[^\s<>"]+@[^\s<>"]+/.exec(rawHeader(raw, 'from') ?? '')?.[0]?.toLowerCase();
  const subject = rawHeader(raw, 'subject');
  const messageId = rawHeader(raw, 'message-id');
  return { ...(subject ? { subject } : {}), ...(from ? { from } : {}), ...(messageId ? { messageId } : {}) };
}
