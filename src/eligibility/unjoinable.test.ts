import { describe, expect, it } from 'vitest';
import { checkEligibility } from './check.js';
import type { DetectedLink } from './facts.js';
import { acme, facts, links } from './test-fixtures.js';

const personal: DetectedLink = {
  url: 'https://acme.zoom.us/my/jane.doe',
  provider: 'zoom',
  source: 'location',
  unjoinable: "a Zoom personal link (/my/…) carries no meeting number, which both Zoom modes need: use the meeting's /j/ link (in the Zoom invite) instead",
};

/** A supported provider's link in a form no bot can use is refused up front, not at the join (or a day later). */
describe('a link its provider cannot join', () => {
  it('refuses a meeting whose only link is a Zoom personal link, saying why and what to send instead', () => {
    const decision = checkEligibility(facts({ company: acme(), meeting: { links: [personal] } }));
    expect(decision).toMatchObject({ eligible: false, plan: 'none', provider: 'zoom' });
    expect(decision.reasons.map((reason) => reason.code)).toEqual(['conference_link_unsupported']);
    expect(decision.reasons[0]?.message).toBe(
      "The meeting's zoom link cannot be used: a Zoom personal link (/my/…) carries no meeting number, which both Zoom modes need: use the meeting's /j/ link (in the Zoom invite) instead.",
    );
  });

  it('joins the meeting\'s usable link when the invite also holds one', () => {
    const decision = checkEligibility(facts({ company: acme(), meeting: { links: [personal, links.zoomInDescription] } }));
    expect(decision).toMatchObject({ eligible: true, joinUrl: links.zoomInDescription.url });
  });
});
