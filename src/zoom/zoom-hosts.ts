/**
 * Where Quorum lets a Zoom recording download go. A webhook's `download_url` is chosen by whoever holds the
 * company's webhook secret, and that is the tenant itself: without this check a tenant could sign its own
 * `recording.completed` pointing at 169.254.169.254 or an internal service and read the answer back as an
 * artifact. Only Zoom's own hosts are fetched, on every redirect hop, plus origins the operator's configuration
 * names explicitly (the simulator's, when QUORUM_SIMULATE is on).
 */
const zoomDomains = ['zoom.us', 'zoomgov.com'];

export class ZoomHosts {
  private readonly extra: ReadonlySet<string>;

  /** `extraOrigins`: exact origins (`http://127.0.0.1:4567`) trusted by configuration, never by a tenant. */
  constructor(extraOrigins: readonly string[] = []) {
    this.extra = new Set(extraOrigins.map((origin) => new URL(origin).origin));
  }

  /** Why this URL may not be fetched, or undefined when it may. */
  refusal(url: URL): string | undefined {
    if (this.extra.has(url.origin)) return undefined;
    if (url.username !== '' || url.password !== '') return `${url.origin}: URLs with credentials are not fetched`;
    if (url.protocol !== 'https:') return `${url.protocol}//${url.host}: only https downloads from Zoom's hosts are fetched`;
    // A port other than 443 is not where Zoom serves files; refusing it keeps "zoom.us:22" out.
    if (url.port !== '') return `${url.host}: only Zoom's hosts on the default https port are fetched`;
    const host = url.hostname.toLowerCase().replace(/\.$/, '');
    if (zoomDomains.some((domain) => host === domain || host.endsWith(`.${domain}`))) return undefined;
    return `${url.host} is not a Zoom host (zoom.us, zoomgov.com and their subdomains)`;
  }

  /** `refusal` for a URL given as text; a malformed URL is refused too. */
  refusalOf(text: string): string | undefined {
    try {
      return this.refusal(new URL(text));
    } catch {
      return 'not a valid URL';
    }
  }
}
