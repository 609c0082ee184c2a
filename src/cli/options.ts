import { InvalidArgumentError } from 'commander';
import { z } from 'zod';

/** The API's own rule for meeting times (src/companies/requests.ts), checked here so a typo is a usage error. */
const isoTimeSchema = z.iso.datetime({ offset: true });

/** `--at`/`--until`: an ISO 8601 time with a zone, as the API takes it. */
export function isoTime(value: string): string {
  if (isoTimeSchema.safeParse(value).success) return value;
  throw new InvalidArgumentError('Expected an ISO 8601 time with a zone, e.g. 2030-01-31T14:00:00Z or 2030-01-31T15:00:00+01:00.');
}

/** `--limit`: a whole number from 1. */
export function positiveInt(value: string): string {
  if (/^[1-9]\d*$/.test(value)) return value;
  throw new InvalidArgumentError('Expected a whole number from 1.');
}

/** `--*-port`: 0 (any free port) to 65535. */
export function port(value: string): number {
  const n = Number(value);
  if (/^\d+$/.test(value) && n <= 65535) return n;
  throw new InvalidArgumentError('Expected a port: 0 (any free one) to 65535.');
}

/** A meeting link must be an http(s) URL; anything else is a typo, not a question for the server. */
export function meetingUrl(value: string): string {
  if (isHttpUrl(value)) return value;
  throw new InvalidArgumentError('Expected a whole meeting link, e.g. https://meet.google.com/abc-defg-hij.');
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
