/**
 * The DNS port mail authentication uses (mailauth's resolver signature). Production uses the system
 * resolver; tests and the demo answer from a local table, so nothing ever reaches a real DNS server.
 */
export type DnsResolver = (name: string, rrtype: string) => Promise<string[][] | string[]>;

export interface DnsTable {
  /** TXT answers by name: each record is one string (it is split into 255-byte chunks as DNS would). */
  txt?: Record<string, string[]>;
  a?: Record<string, string[]>;
  mx?: Record<string, Array<{ exchange: string; priority: number }>>;
}

function notFound(name: string, rrtype: string): Error {
  // mailauth tells "no such record" (ENOTFOUND/ENODATA) from a failing server by this code.
  return Object.assign(new Error(`${rrtype} ${name}: not found`), { code: 'ENOTFOUND' });
}

function chunks(record: string): string[] {
  const parts: string[] = [];
  for (let index = 0; index < record.length; index += 255) parts.push(record.slice(index, index + 255));
  return parts.length > 0 ? parts : [''];
}

/** A resolver answering from `table` alone; names are matched without case and trailing dot. */
export function tableResolver(table: DnsTable): DnsResolver {
  const lookup = <T>(records: Record<string, T> | undefined, name: string): T | undefined => {
    const key = name.toLowerCase().replace(/\.$/, '');
    return records && Object.hasOwn(records, key) ? records[key] : undefined;
  };
  return (name, rrtype) => {
    const type = rrtype.toUpperCase();
    if (type === 'TXT') {
      const records = lookup(table.txt, name);
      return records ? Promise.resolve(records.map(chunks)) : Promise.reject(notFound(name, type));
    }
    if (type === 'A') {
      const records = lookup(table.a, name);
      return records ? Promise.resolve(records) : Promise.reject(notFound(name, type));
    }
    if (type === 'MX') {
      const records = lookup(table.mx, name);
      // mailauth reads MX answers as node:dns gives them ({exchange, priority}); the port's type is narrower.
      return records ? Promise.resolve(records as unknown as string[]) : Promise.reject(notFound(name, type));
    }
    return Promise.reject(notFound(name, type));
  };
}

/** Merges tables (later ones win per name), e.g. the demo company's records over a test's. */
export function mergeTables(...tables: DnsTable[]): DnsTable {
  const merged: Required<DnsTable> = { txt: {}, a: {}, mx: {} };
  for (const table of tables) {
    Object.assign(merged.txt, table.txt);
    Object.assign(merged.a, table.a);
    Object.assign(merged.mx, table.mx);
  }
  return merged;
}

export interface DnsCacheOptions {
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}

/** Answers that say the name has no such record: cached like an answer (RFC 2308), unlike a failing server. */
const NEGATIVE = new Set(['ENOTFOUND', 'ENODATA']);

/**
 * Keeps answers (and "no such record") for `ttlMs`: a company's mail arrives from the same few domains,
 * and every message asks for the same SPF, DKIM key and DMARC records. Timeouts and server failures are
 * not kept. Node's resolver reports no TTLs for TXT, so one short lifetime serves all records.
 */
export function cachingResolver(resolver: DnsResolver, options: DnsCacheOptions): DnsResolver {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { until: number; answer: Promise<string[][] | string[]> }>();
  return (name, rrtype) => {
    const key = `${rrtype.toUpperCase()} ${name.toLowerCase().replace(/\.$/, '')}`;
    const cached = cache.get(key);
    if (cached && cached.until > now()) return cached.answer;
    const answer = resolver(name, rrtype);
    const entry = { until: now() + options.ttlMs, answer };
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(key, entry);
    answer.catch((error: unknown) => {
      if (!NEGATIVE.has(String((error as { code?: unknown }).code)) && cache.get(key) === entry) cache.delete(key);
    });
    return answer;
  };
}
