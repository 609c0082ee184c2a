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

/** RFC 3834: never answer automatic mail (bounces, vacation replies, our own replies). */
export function autoSubmitted(raw: Buffer): boolean {
  const value = rawHeader(raw, 'auto-submitted')?.split(';')[0]?.trim().toLowerCase();
  return value !== undefined && value !== 'no';
}

/** Subject and sender of a message whose parsing failed, so the reply still reaches and names it. */
function fallbackHeaders(raw: Buffer): { subject?: string; from?: string; messageId?: string } {
  const from = /[^\s<>"]+@[^\s<>"]+/.exec(rawHeader(raw, 'from') ?? '')?.[0]?.toLowerCase();
  const subject = rawHeader(raw, 'subject');
  const messageId = rawHeader(raw, 'message-id');
  return { ...(subject ? { subject } : {}), ...(from ? { from } : {}), ...(messageId ? { messageId } : {}) };
}
