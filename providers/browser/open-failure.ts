import { errors } from 'playwright-core';

/**
 * Why a meeting page did not open, in words an operator can act on. The end code stays `internal_error` (retried:
 * a network blip passes), so this text is all the timeline has to tell a DNS outage from a firewall or a proxy.
 */

/** Chromium's net error names (net/base/net_error_list.h) a bot meets when this machine's network is at fault. */
const netErrors: Readonly<Record<string, string>> = {
  ERR_NAME_NOT_RESOLVED: "the meeting's host name did not resolve: check this machine's DNS and network access",
  ERR_NAME_RESOLUTION_FAILED: "the DNS lookup of the meeting's host failed: check this machine's DNS servers and network access",
  ERR_INTERNET_DISCONNECTED: 'this machine has no network connection: check its network access',
  ERR_ADDRESS_UNREACHABLE: "the meeting's host is unreachable from this machine: check its network routes and firewall",
  ERR_NETWORK_ACCESS_DENIED: "this machine's network access was denied: check that a firewall lets Chromium reach the provider on port 443",
  ERR_NETWORK_CHANGED: "this machine's network changed while the page was opening: check that its connection is stable",
  ERR_CONNECTION_REFUSED: "the meeting's host refused the connection: check this machine's firewall and that DNS sends the host to the provider",
  ERR_CONNECTION_RESET: "the connection to the meeting's host was reset: a firewall or proxy may be cutting it; check outbound HTTPS access",
  ERR_CONNECTION_CLOSED: "the meeting's host closed the connection without answering: check outbound HTTPS access and any proxy",
  ERR_CONNECTION_FAILED: "the connection to the meeting's host failed: check this machine's network access",
  ERR_CONNECTION_TIMED_OUT: "connecting to the meeting's host timed out: check this machine's outbound network access and firewall",
  ERR_TIMED_OUT: "the meeting's host stopped answering: check this machine's network access",
  ERR_PROXY_CONNECTION_FAILED: 'the proxy server could not be reached: check the proxy settings and that the proxy is up',
  ERR_TUNNEL_CONNECTION_FAILED: "the proxy would not connect to the meeting's host: check that the proxy allows the provider's domains",
};

/** Families named by prefix: Chromium has dozens of each, and the advice is the same for all of them. */
const netErrorFamilies: ReadonlyArray<readonly [prefix: string, meaning: string]> = [
  ['ERR_PROXY_', 'the proxy server failed the request: check the proxy settings'],
  [
    'ERR_CERT_',
    "the meeting's host presented a certificate Chromium does not trust: check this machine's clock, and that the CA of any HTTPS-inspecting proxy is trusted",
  ],
  ['ERR_SSL_', "the secure connection to the meeting's host failed: check for a proxy or firewall that intercepts HTTPS"],
];

const netErrorName = /\bnet::(ERR_[A-Z0-9_]+)/;

/** The cause of a failed `page.goto`, for the timeline: `net::ERR_… (what it means: what to check)`. */
export function openFailureCause(error: unknown, timeoutMs: number): string {
  if (error instanceof errors.TimeoutError) {
    return `no answer within ${Math.round(timeoutMs / 1000)} s (the meeting's host or this machine's network is too slow or unreachable: check its network access)`;
  }
  const message = error instanceof Error ? error.message : String(error);
  const name = netErrorName.exec(message)?.[1];
  const meaning = name === undefined ? undefined : (netErrors[name] ?? netErrorFamilies.find(([prefix]) => name.startsWith(prefix))?.[1]);
  if (name !== undefined && meaning !== undefined) return `net::${name} (${meaning})`;
  // Playwright appends a call log in terminal colours; the first line is the error itself (the log keeps all of it).
  return message.split('\n')[0]?.trim() || 'unknown error';
}
