import { generateKeyPairSync } from 'node:crypto';
import { authenticate, dkimSign } from 'mailauth';
import { getDomain } from 'tldts';
import type { DnsResolver, DnsTable } from './dns.js';

/** What the SMTP session knew about the sender; HTTP intake has none of it and trusts Received instead. */
export interface Envelope {
  remoteIp?: string;
  helo?: string;
  mailFrom?: string;
}

export interface SenderAuth {
  /** DMARC passed, or with no DMARC policy an SPF or DKIM pass aligned with the From domain. */
  authenticated: boolean;
  fromDomain?: string;
  dmarc: string;
  spf: string;
  /** One result per DKIM signature, e.g. `pass (acme.example, aligned)`. */
  dkim: string[];
  /** For the reply and the log: why the sender did or did not pass. */
  summary: string;
}

/** The organizational domain (RFC 7489 §3.2): the registrable domain under the public suffix list. */
function organizational(domain: string): string {
  const name = domain.toLowerCase().replace(/\.$/, '');
  return getDomain(name, { allowPrivateDomains: true }) ?? name;
}

/**
 * Relaxed alignment (RFC 7489 §3.1): the same organizational domain. Two names under one public suffix
 * (evil.co.uk, acme.co.uk) are two organizations, not one: the last two labels are not enough.
 */
export function aligned(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  return organizational(a) === organizational(b);
}

/**
 * Verifies SPF, DKIM and DMARC of a message (mailauth). A failing DMARC policy is a failure whatever else
 * passed; without a DMARC record the From domain still needs an aligned SPF or DKIM pass, so a From that
 * merely names a company domain never counts.
 */
export async function authenticateSender(raw: Buffer, envelope: Envelope, resolver?: DnsResolver): Promise<SenderAuth> {
  const result = await authenticate(raw, {
    ...(envelope.remoteIp ? { ip: envelope.remoteIp } : {}),
    ...(envelope.helo ? { helo: envelope.helo } : {}),
    ...(envelope.mailFrom ? { sender: envelope.mailFrom } : {}),
    // Mail posted to the HTTP intake has no SMTP session: the Received header of our relay says who sent it.
    trustReceived: envelope.remoteIp === undefined,
    mta: 'quorum',
    disableArc: true,
    disableBimi: true,
    ...(resolver ? { resolver } : {}),
  });
  const fromDomain = result.dkim.headerFrom?.[0]?.split('@').pop()?.toLowerCase();
  const spf = result.spf ? result.spf.status.result : 'none';
  const spfDomain = result.spf ? result.spf.domain : undefined;
  const dkimPasses = result.dkim.results.filter((row) => row.status.result === 'pass').map((row) => row.signingDomain);
  const dkim = result.dkim.results.map((row) => `${row.status.result} (${row.signingDomain ?? '?'}${aligned(row.signingDomain, fromDomain) ? ', aligned' : ''})`);
  const dmarc = result.dmarc ? result.dmarc.status.result : 'none';
  const alignedPass = (spf === 'pass' && aligned(spfDomain, fromDomain)) || dkimPasses.some((domain) => aligned(domain, fromDomain));
  const authenticated = dmarc === 'pass' || (dmarc === 'none' && alignedPass);
  const summary = `DMARC ${dmarc}, SPF ${spf}${spfDomain ? ` (${spfDomain})` : ''}, DKIM ${dkim.length > 0 ? dkim.join('; ') : 'none'}`;
  return { authenticated, ...(fromDomain ? { fromDomain } : {}), dmarc, spf, dkim, summary };
}

export interface DkimKey {
  domain: string;
  selector: string;
  privateKey: string;
  /** The TXT records that publish the key and a reject policy for the domain. */
  dns: DnsTable;
}

/** A fresh DKIM key for `domain` with its DNS records (a `p=reject` DMARC policy, SPF for loopback). */
export function createDkimKey(domain: string, selector = 'quorum'): DkimKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return {
    domain,
    selector,
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    dns: {
      txt: {
        [`${selector}._domainkey.${domain}`]: [`v=DKIM1; k=rsa; p=${spki}`],
        [`_dmarc.${domain}`]: ['v=DMARC1; p=reject; adkim=r; aspf=r'],
      },
    },
  };
}

/** Prepends a DKIM-Signature made with `key` to a raw message. */
export async function signMessage(raw: Buffer | string, key: DkimKey): Promise<Buffer> {
  const signer = { signingDomain: key.domain, selector: key.selector, privateKey: key.privateKey };
  // mailauth reads the keys from `signatureData`; its typings want them at the top level as well. Without
  // `signTime` it reads the clock twice, for the signed t= and the written one, and about one signature in
  // 2,500 (a rounding to the next second in between) could never verify.
  const signed = await dkimSign(raw, { ...signer, signatureData: [signer], signTime: new Date() });
  if (signed.errors.length > 0 || signed.signatures.trim() === '') throw new Error(`DKIM signing failed: ${JSON.stringify(signed.errors)}`);
  return Buffer.concat([Buffer.from(signed.signatures), Buffer.isBuffer(raw) ? raw : Buffer.from(raw)]);
}
