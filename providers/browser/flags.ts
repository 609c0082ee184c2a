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

/**
 * What a bot's browser adds, so meeting sites do not take it for automation (peer-bots.md §1.2 and §4.1): without it,
 * pages see `navigator.webdriver === true`, which sites that refuse bots test first.
 */
export const botChromiumArgs: readonly string[] = ['--disable-blink-features=AutomationControlled'];

/**
 * The user agent of the same Chromium with a window: headless Chromium names itself `HeadlessChrome`, which sites
 * that refuse bots also test. In Chrome's reduced form (major version only), as a person's browser sends it.
 */
export function botUserAgent(chromiumVersion: string): string {
  const major = chromiumVersion.split('.')[0] ?? chromiumVersion;
  return `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
}

/** Points the given hostnames at a loopback port, so bots open real meeting URLs against the simulator. */
export function hostResolverRules(hosts: readonly string[], port: number): string {
  const rules = hosts.map((host) => `MAP ${host}:443 127.0.0.1:${port}`);
  return `--host-resolver-rules=${rules.join(', ')}`;
}
