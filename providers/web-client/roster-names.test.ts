import { describe, expect, it } from 'vitest';
import { withoutSelf } from './in-meeting.js';

describe('roster names without the bot itself', () => {
  it('drops the bot’s own entry once, allowing a suffix such as (Guest)', () => {
    expect(withoutSelf(['Ada', 'Quorum Notetaker', 'Otter.ai'], 'Quorum Notetaker')).toEqual(['Ada', 'Otter.ai']);
    expect(withoutSelf(['quorum notetaker (Guest)', 'Otter.ai'], 'Quorum Notetaker')).toEqual(['Otter.ai']);
    // Another bot of the same name stays among the others.
    expect(withoutSelf(['Quorum Notetaker', 'Quorum Notetaker'], 'Quorum Notetaker')).toEqual(['Quorum Notetaker']);
  });

  it('cannot read a roster that does not list the bot (a closed panel, another layout)', () => {
    expect(withoutSelf([], 'Quorum Notetaker')).toBeUndefined();
    expect(withoutSelf(['Ada', 'Quorum Notetaker Jr'], 'Quorum Notetaker')).toBeUndefined();
  });
});
