/**
 * Chromium flags every bot and simulator browser needs here. The network flags stop Chromium's own
 * background requests (there is no internet); the WebRTC feature flag lets two pages on loopback connect
 * (with mDNS-hidden candidates they never do).
 */
export const baseChromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];

/** Points the given hostnames at a loopback port, so bots open real meeting URLs against the simulator. */
export function hostResolverRules(hosts: readonly string[], port: number): string {
  const rules = hosts.map((host) => `MAP ${host}:443 127.0.0.1:${port}`);
  return `--host-resolver-rules=${rules.join(', ')}`;
}
