import type { MeetingRef, ProviderId } from '../../providers/types.js';
import { cleanUrl, htmlText, urlsAt, urlsInHtml, urlsInText } from './link-text.js';
import type { UrlMatcher } from './matchers.js';
import { hasPasscodeLabel, passcodeNear, scanBlock, type LinkAt } from './passcodes.js';

export type LinkSource = 'structured' | 'location' | 'description';

/** A URL found in an invite that matters to eligibility; URLs that are none of these are dropped. */
export interface DetectedLink {
  url: string;
  source: LinkSource;
  provider?: ProviderId;
  ref?: MeetingRef;
  /** A conferencing product Quorum does not join (GoTo, BlueJeans, ...). */
  unsupportedProvider?: string;
  /** A consent link of this Quorum installation (`<base>/c/<token>`, one of `consentBaseUrls`). */
  consentToken?: string;
  /** Another vendor's consent page (Gong) wrapping the real link: consent-gated, not a provider link. */
  externalConsent?: boolean;
  /**
   * The meeting passcode the invite states next to this link ("Passcode:", "Meeting password:"), for the bot to
   * type when the meeting asks. A secret: eligibility never sees it (planner.ts `eligibilityLink` leaves it out).
   */
  passcode?: string;
}

export interface LinkSources {
  /** Conference fields (X-GOOGLE-CONFERENCE, X-MICROSOFT-SKYPETEAMSMEETINGURL, ...): most trustworthy. */
  structured: string[];
  location?: string;
  description?: string;
  descriptionHtml?: string;
}

export interface DetectOptions {
  /** The bases of this installation's consent pages, e.g. `https://quorum.acme.com` (ConsentOrigins). */
  consentBaseUrls?: readonly string[];
  /** Cap on returned links: a hostile description with thousands of URLs must not cost more than this. */
  maxLinks?: number;
}

interface UnsupportedPattern {
  name: string;
  pattern: RegExp;
}

/** Known conferencing products without an adapter (reference/providers.md §7.2, MeetingBar's catalogue). */
const UNSUPPORTED: UnsupportedPattern[] = [
  { name: 'GoTo Meeting', pattern: /^https?:\/\/(?:(?:global|app|www)\.)?(?:gotomeeting\.com\/join\/\d{9}|meet\.goto\.com\/(?:[a-z0-9-]+\/)?\d{9}|app\.goto\.com\/meeting\/\d{9}|gotomeet\.me\/[a-z0-9_-]+)/i },
  { name: 'BlueJeans', pattern: /^https?:\/\/(?:[a-z0-9-]+\.)?bluejeans\.com\/\d{5,}/i },
  { name: 'Amazon Chime', pattern: /^https?:\/\/(?:app\.)?chime\.aws\/(?:meetings\/)?\d{10}/i },
  { name: 'Whereby', pattern: /^https?:\/\/(?:[a-z0-9-]+\.)?whereby\.com\/[a-z0-9_-]+/i },
  { name: 'Jitsi', pattern: /^https?:\/\/meet\.jit\.si\/[^\s?#/]+/i },
  { name: '8x8', pattern: /^https?:\/\/8x8\.vc\/[^\s?#]+/i },
  { name: 'RingCentral', pattern: /^https?:\/\/(?:[a-z0-9-]+\.)*ringcentral\.com\/(?:j|join)\/\d+/i },
  { name: 'RingCentral', pattern: /^https?:\/\/v\.ringcentral\.com\/join\//i },
  { name: 'Slack huddle', pattern: /^https?:\/\/app\.slack\.com\/huddle\/[a-z0-9./]+/i },
  { name: 'Around', pattern: /^https?:\/\/(?:meet\.)?around\.co\/r\/[^\s]+/i },
  { name: 'Livestorm', pattern: /^https?:\/\/app\.livestorm\.com\/p\/[^\s]+/i },
  { name: 'Lark', pattern: /^https:\/\/vc\.(?:larksuite\.com|feishu\.cn)\/j\/\d+/i },
  { name: 'Cal Video', pattern: /^https?:\/\/app\.cal\.com\/video\/[a-z0-9./]+/i },
  { name: 'Skype', pattern: /^https?:\/\/join\.skype\.com\/[a-z0-9]+/i },
];

const EXTERNAL_CONSENT = /^(?:[a-z0-9-]+\.)*join\.gong\.io$/i;
const CONSENT_TOKEN = /^[A-Za-z0-9_-]{8,128}$/;
const DEFAULT_MAX_LINKS = 50;

/** Where consent pages live: each base's origin and the path prefix its tokens follow. */
type ConsentBase = { origin: string; prefix: string };

/** The bases parsed once per invite, not once per URL found in it. */
function consentBasesOf(consentBaseUrls: readonly string[] | undefined): ConsentBase[] {
  return (consentBaseUrls ?? []).filter((base) => URL.canParse(base)).map((text) => {
    const base = new URL(text);
    return { origin: base.origin, prefix: `${base.pathname.replace(/\/+$/, '')}/c/` };
  });
}

function consentToken(url: URL, bases: readonly ConsentBase[]): string | undefined {
  for (const { origin, prefix } of bases) {
    if (url.origin !== origin || !url.pathname.startsWith(prefix)) continue;
    const token = url.pathname.slice(prefix.length).replace(/\/+$/, '');
    if (CONSENT_TOKEN.test(token)) return token;
  }
  return undefined;
}

/** Consent links are checked first: a consent page must never be mistaken for the provider link it gates. */
function classify(url: URL, source: LinkSource, matchers: readonly UrlMatcher[], bases: readonly ConsentBase[]): DetectedLink | undefined {
  const token = consentToken(url, bases);
  if (token) return { url: url.href, source, consentToken: token };
  if (EXTERNAL_CONSENT.test(url.hostname)) return { url: url.href, source, externalConsent: true };
  for (const matcher of matchers) {
    const ref = matcher(url);
    if (ref) return { url: ref.url, source, provider: ref.provider, ref };
  }
  const unsupported = UNSUPPORTED.find(({ pattern }) => pattern.test(url.href));
  return unsupported ? { url: url.href, source, unsupportedProvider: unsupported.name } : undefined;
}

const isHtml = (text: string) => /<(?:a|br|p|div|span)\b[^<>]*>/i.test(text);

/** Each text an invite can state a passcode in, as a reader sees it. */
function textBlocks(sources: LinkSources): string[] {
  const description = sources.description ?? '';
  const blocks = [sources.location ?? '', isHtml(description) ? htmlText(description) : description, htmlText(sources.descriptionHtml ?? '')];
  return blocks.filter(hasPasscodeLabel);
}

/**
 * Gives each provider link the passcode stated nearest to it in a block that holds the link (the first block, in
 * the order location, description, HTML description, that states one). A link only in a structured field has the
 * same link in the description when its passcode is written there.
 */
function withPasscodes(links: DetectedLink[], sources: LinkSources, classifyUrl: (raw: string) => DetectedLink | undefined): void {
  const wanting = links.filter((link) => link.provider !== undefined);
  if (wanting.length === 0) return;
  for (const text of textBlocks(sources)) {
    const at: LinkAt[] = [];
    for (const { raw, index } of urlsAt(text)) {
      const link = classifyUrl(raw);
      if (link?.provider !== undefined) at.push({ url: link.url, start: index, end: index + raw.length });
    }
    const block = scanBlock(text, at);
    for (const link of wanting) {
      const passcode = link.passcode === undefined ? passcodeNear(block, link.url) : undefined;
      if (passcode !== undefined) link.passcode = passcode;
    }
  }
}

function candidates(sources: LinkSources): Array<{ raw: string; source: LinkSource }> {
  const list: Array<{ raw: string; source: LinkSource }> = [];
  for (const field of sources.structured) {
    for (const raw of urlsInText(field)) list.push({ raw, source: 'structured' });
  }
  for (const raw of urlsInText(sources.location ?? '')) list.push({ raw, source: 'location' });
  // Google writes HTML inside DESCRIPTION (corpus meet-meeting-invite): read it as HTML so &amp; and hrefs decode.
  const description = sources.description ?? '';
  const descriptionUrls = isHtml(description) ? urlsInHtml(description) : urlsInText(description);
  for (const raw of descriptionUrls) list.push({ raw, source: 'description' });
  for (const raw of urlsInHtml(sources.descriptionHtml ?? '')) list.push({ raw, source: 'description' });
  return list;
}

/**
 * Every link in an invite that eligibility cares about, in source order (structured > location > description),
 * deduplicated on the normalized link: the same meeting in the location and the body counts once, at its most
 * trustworthy source.
 */
export function detectLinks(sources: LinkSources, matchers: readonly UrlMatcher[], options: DetectOptions = {}): DetectedLink[] {
  const maxLinks = options.maxLinks ?? DEFAULT_MAX_LINKS;
  const seen = new Set<string>();
  const links: DetectedLink[] = [];
  const bases = consentBasesOf(options.consentBaseUrls);
  const classifyUrl = (raw: string, source: LinkSource = 'description') => {
    const url = cleanUrl(raw);
    return url ? classify(url, source, matchers, bases) : undefined;
  };
  for (const { raw, source } of candidates(sources)) {
    const link = classifyUrl(raw, source);
    if (!link || seen.has(link.url)) continue;
    seen.add(link.url);
    links.push(link);
    if (links.length >= maxLinks) break;
  }
  withPasscodes(links, sources, classifyUrl);
  return links;
}

/** The passcode the invite states for the link a decision joins (`Decision.joinUrl`), when it states one. */
export function passcodeFor(links: readonly DetectedLink[], joinUrl: string | undefined): string | undefined {
  return joinUrl === undefined ? undefined : links.find((link) => link.url === joinUrl)?.passcode;
}
