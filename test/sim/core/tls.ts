import { X509Certificate, createHash } from 'node:crypto';
import { generate } from 'selfsigned';

export interface SimCertificate {
  key: string;
  cert: string;
  /** base64 SHA-256 of the certificate's SPKI, for `--ignore-certificate-errors-spki-list`. */
  spkiHash: string;
}

/** One self-signed certificate naming every simulated host (Chromium ignores the CN, only SANs count). */
export async function createCertificate(hosts: readonly string[]): Promise<SimCertificate> {
  const notAfterDate = new Date(Date.now() + 7 * 24 * 3600 * 1000);
  const pems = await generate([{ name: 'commonName', value: hosts[0] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: hosts.map((value) => ({ type: 2 as const, value })) },
    ],
  });
  const spki = new X509Certificate(pems.cert).publicKey.export({ type: 'spki', format: 'der' });
  return { key: pems.private, cert: pems.cert, spkiHash: createHash('sha256').update(spki).digest('base64') };
}
