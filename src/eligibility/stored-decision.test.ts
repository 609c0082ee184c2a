import { describe, expect, it } from 'vitest';
import { checkEligibility } from './check.js';
import { decisionFromJson, decisionToJson } from './stored-decision.js';
import { facts } from './test-fixtures.js';

describe('a stored decision', () => {
  const decision = checkEligibility(facts());

  it('reads back as it was decided, every check with its article sentence', () => {
    expect(decision.checks.some((check) => check.sentence !== undefined)).toBe(true);
    expect(decisionFromJson(decisionToJson(decision))).toEqual(decision);
    expect(JSON.stringify(decisionFromJson(decisionToJson(decision)))).toBe(JSON.stringify(decision));
  });

  it('is written without the sentences, a third smaller', () => {
    const stored = decisionToJson(decision);
    expect(stored).not.toContain('"sentence"');
    expect(stored.length).toBeLessThan(JSON.stringify(decision).length * 0.75);
  });

  it('reads decisions stored with their sentences, and keeps a sentence that is not the rule\'s', () => {
    expect(decisionFromJson(JSON.stringify(decision))).toEqual(decision);
    const odd = { ...decision, checks: decision.checks.map((check, i) => (i === 0 ? { ...check, sentence: 'Quoted from an older article.' } : check)) };
    expect(decisionFromJson(decisionToJson(odd))).toEqual(odd);
    expect(decisionFromJson('null')).toBeNull();
  });
});
