import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Settings fields that hold credentials: bot account passwords, OAuth client secrets, webhook and SDK secrets. */
const secretField = /password|secret|token|key$/i;

export function isSecretField(name: string): boolean {
  return secretField.test(name);
}

const sealedPrefix = 'enc:v1:';

/**
 * Seals the secret fields of a company's settings document with AES-256-GCM before it is stored, and opens
 * them when it is read, so a copy of the database (a backup, a dump) holds no usable credential. The key is
 * not in the database: `QUORUM_SECRETS_KEY`, or a key file generated once in the data directory.
 */
export class SettingsCipher {
  private readonly key: Buffer;

  constructor(keyMaterial: string | Buffer) {
    this.key = createHash('sha256').update(keyMaterial).digest();
  }

  /**
   * A keyed hash of a secret (HMAC-SHA256 under a key derived from this one), to tell later whether it changed
   * without keeping it: the key is not in the database, so a copy of it cannot test guessed passwords.
   */
  fingerprint(value: string): string {
    const key = createHmac('sha256', this.key).update('quorum secret fingerprint v1').digest();
    return createHmac('sha256', key).update(value).digest('base64url');
  }

  seal(value: unknown, field = ''): unknown {
    if (typeof value === 'string') return isSecretField(field) && !value.startsWith(sealedPrefix) ? this.encrypt(value) : value;
    return this.walk(value, (child, name) => this.seal(child, name));
  }

  /** The settings as stored with their secrets opened; a secret sealed with another key reads as missing. */
  open(value: unknown): unknown {
    if (typeof value === 'string') return value.startsWith(sealedPrefix) ? this.decrypt(value) : value;
    return this.walk(value, (child) => this.open(child));
  }

  private walk(value: unknown, each: (child: unknown, name: string) => unknown): unknown {
    if (Array.isArray(value)) return value.map((child) => each(child, ''));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>).map(([name, child]) => [name, each(child, name)] as const);
    return Object.fromEntries(entries.filter(([, child]) => child !== undefined));
  }

  private encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return sealedPrefix + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  private decrypt(sealed: string): string | undefined {
    const blob = Buffer.from(sealed.slice(sealedPrefix.length), 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, blob.subarray(0, 12));
      decipher.setAuthTag(blob.subarray(12, 28));
      return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

/** `QUORUM_SECRETS_KEY` when set (every process of a scale-out deployment needs the same), else the data directory's key file. */
export function settingsCipherFor(configured: string | undefined, dataDir: string): SettingsCipher {
  if (configured) return new SettingsCipher(configured);
  const file = join(dataDir, 'secrets.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process of the same data directory wrote it first; use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return new SettingsCipher(readFileSync(file, 'utf8').trim());
}
