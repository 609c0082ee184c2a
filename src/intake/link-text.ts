/**
 * Turning invite text into candidate URLs: find them in plain text and HTML, undo the wrappers mail gateways put
 * around them, and trim what the surrounding prose glued on. Pure string work; classification is in links.ts.
 */

/** Schemes a meeting link can use; zoommtg/msteams are desktop deep links. */
const URL_IN_TEXT = /\b(?:https?|zoommtg|msteams):\/\/[^\s<>"'`\u00a0\u200b\u3000]+/gi;
/** Attendee decodes at most 3 levels too; more is an attack or garbage, not an invite. */
const MAX_DECODE = 3;
const MAX_UNWRAP = 3;
/** Characters prose glues onto a link: sentence punctuation, closing quotes/brackets, an escaped `>`. */
const JUNK_CHARS = new Set(".,;:!?'\"*]}>");

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** href values first (the link a reader clicks), then the visible text with tags removed. */
export function urlsInHtml(html: string): string[] {
  // A tag ends at the next `<` too: `[^>]*` rescanned the rest of the text from each `<` of a hostile description.
  const hrefs = [...html.matchAll(/\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)].map((m) =>
    decodeEntities(m[1] ?? m[2] ?? m[3] ?? '').trim(),
  );
  const text = decodeEntities(withoutScripts(html).replace(/<[^<>]*>/g, ' '));
  return [...hrefs.filter((href) => /^(?:https?|zoommtg|msteams):\/\//i.test(href)), ...urlsInText(text)];
}

/**
 * The text a reader sees, with each anchor's href written where the anchor starts: a passcode is looked for next
 * to its link (passcodes.ts), and HTML invites show "Join the meeting now" with the link only in the href.
 */
export function htmlText(html: string): string {
  const anchors = withoutScripts(html).replace(/<a\b[^<>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^<>]*>/gi, (_tag, a?: string, b?: string, c?: string) => ` ${a ?? b ?? c ?? ''} `);
  return decodeEntities(anchors.replace(/<(?:br|\/p|\/div|\/tr|\/li|\/h\d)\b[^<>]*>/gi, '\n').replace(/<[^<>]*>/g, ' '));
}

export function urlsInText(text: string): string[] {
  return [...text.matchAll(URL_IN_TEXT)].map((m) => m[0]);
}

/** The same URLs with where each stands in the text. */
export function urlsAt(text: string): Array<{ raw: string; index: number }> {
  return [...text.matchAll(URL_IN_TEXT)].map((m) => ({ raw: m[0], index: m.index }));
}

/** `<style>` and `<script>` elements cut out, each end looked for once: a lazy regex rescanned the rest of the text per opening tag. */
function withoutScripts(html: string): string {
  const open = /<(?:style|script)/gi;
  const close = /<\/(?:style|script)>/gi;
  let result = '';
  let from = 0;
  for (;;) {
    open.lastIndex = from;
    const start = open.exec(html)?.index;
    close.lastIndex = start ?? 0;
    const end = start === undefined ? null : close.exec(html);
    // No closing tag after this one means none after any later one either: the rest stays, as the regex left it.
    if (start === undefined || !end) return result + html.slice(from);
    result += `${html.slice(from, start)} `;
    from = end.index + end[0].length;
  }
}

/** How long the junk ending `url` at `end` is (0: none): one punctuation mark, `%3e` or `&gt`. */
function junkBefore(url: string, end: number): number {
  if (JUNK_CHARS.has(url[end - 1] ?? '')) return 1;
  const tail = url.slice(Math.max(0, end - 3), end).toLowerCase();
  return tail === '%3e' || tail === '&gt' ? 3 : 0;
}

/**
 * Trims what prose glued on, from the end: junk, and a closing parenthesis the URL did not open (Wikipedia-style
 * links keep theirs). One pass with running counts: a regex anchored at `$` and recounting the parentheses per
 * character were quadratic on a long hostile link.
 */
export function trimTrailing(url: string): string {
  let opens = 0;
  let closes = 0;
  for (const c of url) {
    if (c === '(') opens += 1;
    else if (c === ')') closes += 1;
  }
  let end = url.length;
  for (;;) {
    const junk = junkBefore(url, end);
    if (junk > 0) end -= junk;
    else if (url[end - 1] === ')' && opens < closes) {
      end -= 1;
      closes -= 1;
    } else return url.slice(0, end);
  }
}

/**
 * Undo whole-URL percent-encoding (`https%3A%2F%2F...`) and double encoding (`%253A`), at most 3 levels. A URL
 * that is merely carrying encoded parameters (a Teams thread id) is left alone: decoding it would change it.
 */
export function decodeLayers(url: string): string {
  let result = url;
  for (let level = 0; level < MAX_DECODE; level += 1) {
    if (!/^(?:https?|zoommtg|msteams)%3a/i.test(result) && !/%25[0-9a-f]{2}/i.test(result)) break;
    try {
      result = decodeURIComponent(result);
    } catch {
      break;
    }
  }
  return result;
}

function parse(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** The link a redirector points at: Outlook SafeLinks (`?url=`) and Google's `/url?q=`. */
function redirectTarget(url: URL): string | undefined {
  const host = url.hostname.toLowerCase();
  if (host.endsWith('.safelinks.protection.outlook.com')) return url.searchParams.get('url') ?? undefined;
  const isGoogle = /^(?:www\.)?google\.[a-z.]+$/.test(host);
  if (isGoogle && url.pathname === '/url') return url.searchParams.get('q') ?? url.searchParams.get('url') ?? undefined;
  return undefined;
}

/** Cleans one raw match into a parsed URL, unwrapping redirectors (which can nest: SafeLinks around Google). */
export function cleanUrl(raw: string): URL | undefined {
  let text = trimTrailing(decodeLayers(raw.trim()));
  for (let depth = 0; depth <= MAX_UNWRAP; depth += 1) {
    const url = parse(text);
    if (!url) return undefined;
    const target = depth < MAX_UNWRAP ? redirectTarget(url) : undefined;
    if (target === undefined) return url;
    text = trimTrailing(decodeLayers(target.trim()));
  }
  return undefined;
}
