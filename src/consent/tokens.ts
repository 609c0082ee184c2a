import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Consent tokens and participant identities. A token carries 256 random bits, so it cannot be guessed and
 * its plain SHA-256 is a safe lookup key (no salt needed: there is nothing to brute-force). Participant
 * addresses and browser ids are kept only as keyed hashes, so a stolen database does not reveal who chose.
 */

/** base64url of 32 random bytes: 43 characters, within intake's `/c/<token>` pattern. */
export const tokenPattern = /^[A-Za-z0-9_-]{43}$/;
/** The per-browser id cookie: base64url of 16 random bytes. */
export const browserIdPattern = /^[A-Za-z0-9_-]{22}$/;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function newBrowserId(): string {
  return randomBytes(16).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Keyed hashing of participant data; the key never leaves the process that derived it. */
export class ParticipantHasher {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHash('sha256').update(`quorum-consent-participant:${secret}`, 'utf8').digest();
  }

  hash(kind: 'browser' | 'address', value: string): string {
    return createHmac('sha256', this.key).update(`${kind}:${value}`, 'utf8').digest('hex');
  }

  /**
   * Who chose: the browser's id cookie when it has one, else its address and user agent together
   * (a browser refusing cookies is still counted once).
   */
  participant(browserId: string | undefined, address: string, userAgent: string): string {
    return browserId !== undefined ? this.hash('browser', browserId) : this.hash('address', `${address}|${userAgent}`);
  }
}
