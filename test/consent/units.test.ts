import { describe, expect, it } from 'vitest';
import { fromAcceptLanguage, pickLanguage } from '../../src/consent/i18n.js';
import { escapeHtml, renderConsentPage } from '../../src/consent/page.js';
import { choiceCounts, choicePerParticipant } from '../../src/consent/rules.js';
import { ParticipantHasher, hashToken, newToken, tokenPattern } from '../../src/consent/tokens.js';

const at = (iso: string) => ({ at: iso });
const occasion = { startsAt: new Date('2026-03-02T10:00:00Z'), endsAt: new Date('2026-03-02T11:00:00Z') };
const hour = 3_600_000;

describe('consent rules, tokens and languages', () => {
  it('a static link counts choices from the window before the start until the end', () => {
    expect(choiceCounts(at('2026-03-02T09:30:00Z'), 'static', occasion, hour)).toBe(true);
    expect(choiceCounts(at('2026-03-02T10:59:59Z'), 'static', occasion, hour)).toBe(true);
    expect(choiceCounts(at('2026-03-02T08:59:00Z'), 'static', occasion, hour)).toBe(false);
    expect(choiceCounts(at('2026-03-02T11:00:01Z'), 'static', occasion, hour)).toBe(false);
  });

  it('a dynamic link counts every choice before the end, except those an earlier occurrence used', () => {
    expect(choiceCounts(at('2026-02-01T00:00:00Z'), 'dynamic', occasion, hour)).toBe(true);
    const second = { ...occasion, previousEndsAt: new Date('2026-02-23T11:00:00Z') };
    expect(choiceCounts(at('2026-02-23T10:30:00Z'), 'dynamic', second, hour)).toBe(false);
    expect(choiceCounts(at('2026-02-24T10:30:00Z'), 'dynamic', second, hour)).toBe(true);
  });

  it('keeps one choice per participant: the first, except that a later decline overrides an earlier Join', () => {
    const choices = [
      { at: '2026-03-02T10:05:00Z', participant: 'a', choice: 'record' },
      { at: '2026-03-02T10:01:00Z', participant: 'a', choice: 'no_record' },
      { at: '2026-03-02T10:02:00Z', participant: 'b', choice: 'record' },
      { at: '2026-03-02T10:03:00Z', participant: 'b', choice: 'record' },
      { at: '2026-03-02T10:00:00Z', participant: 'c', choice: 'record' },
      { at: '2026-03-02T10:04:00Z', participant: 'c', choice: 'no_record' },
    ] as const;
    expect(choicePerParticipant(choices).map((c) => [c.participant, c.choice, c.at.slice(11, 16)])).toEqual([
      ['a', 'no_record', '10:01'],
      ['b', 'record', '10:02'],
      ['c', 'no_record', '10:04'],
    ]);
  });

  it('tokens carry 256 random bits and are stored only as their hash', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => newToken()));
    expect(tokens.size).toBe(200);
    for (const token of tokens) expect(token).toMatch(tokenPattern);
    const token = [...tokens][0] ?? '';
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token);
    const hasher = new ParticipantHasher('secret-one-0123456789');
    expect(hasher.hash('address', '192.0.2.1')).not.toBe(new ParticipantHasher('secret-two-0123456789').hash('address', '192.0.2.1'));
    expect(hasher.participant('browser-id-xxxxxxxxxxx', '192.0.2.1', 'ua')).toBe(hasher.participant('browser-id-xxxxxxxxxxx', '198.51.100.7', 'other'));
  });

  it('picks the language from the switch, then Accept-Language weights, then English', () => {
    expect(fromAcceptLanguage('de-CH,de;q=0.9,en;q=0.8')).toBe('de');
    expect(fromAcceptLanguage('ja,fr;q=0.5,es;q=0.7')).toBe('es');
    expect(fromAcceptLanguage('fr;q=0,en;q=0.1')).toBe('en');
    expect(fromAcceptLanguage('ja, zh')).toBeUndefined();
    expect(pickLanguage('fr', 'de')).toBe('fr');
    expect(pickLanguage('xx', undefined)).toBe('en');
  });

  it('escapes the company name on the page', () => {
    const html = renderConsentPage({ lang: 'en', company: '<img src=x onerror=alert(1)> & Co', token: 'A'.repeat(43) });
    expect(html).toContain(escapeHtml('<img src=x onerror=alert(1)> & Co'));
    expect(html).not.toContain('<img');
  });
});
