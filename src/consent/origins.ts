import { hostname, networkInterfaces } from 'node:os';

const loopbackNames = ['127.0.0.1', 'localhost', '[::1]'];
const anyAddress = new Set(['0.0.0.0', '[::]', '::']);

/**
 * Where this installation's consent links live, so a link pasted into an invite is known as ours. With
 * `QUORUM_PUBLIC_URL` set, links are issued there alone. Without it the API issues them on whatever address
 * it was called on; once the HTTP server listens, every name this machine answers to on that port counts
 * (loopback, its host name, the listen address and, listening on all interfaces, each interface's address).
 */
export class ConsentOrigins {
  private listening: readonly string[] = [];

  constructor(private readonly publicUrl: string | undefined) {}

  /** The base URLs (no trailing slash) whose `/c/<token>` paths are this installation's consent links. */
  bases(): readonly string[] {
    return this.publicUrl ? [this.publicUrl.replace(/\/+$/, '')] : this.listening;
  }

  /** Called with the URL the HTTP server listens on (`http://127.0.0.1:8080`). */
  listen(url: string, host: string): void {
    if (this.publicUrl || !URL.canParse(url)) return;
    const { protocol, port } = new URL(url);
    const names = new Set([...loopbackNames, hostname().toLowerCase(), new URL(url).hostname]);
    if (anyAddress.has(host)) for (const address of interfaceAddresses()) names.add(address);
    else names.add(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
    this.listening = [...names].map((name) => `${protocol}//${name}${port ? `:${port}` : ''}`);
  }
}

function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((entry) => (entry.family === 'IPv6' ? `[${entry.address.replace(/%.*$/, '')}]` : entry.address));
}
