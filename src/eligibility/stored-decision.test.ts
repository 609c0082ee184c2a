import { describe, expect, it } from 'vitest';
import { checkEligibility } from './check.js';
import { rules } from './reasons.js';
import { decisionFromJson, decisionToJson } from './stored-decision.js';
import { facts } from './test-fixtures.js';

describe('a stored decision', () => {
  const decision = checkEligibility(facts());

  it('reads back as it was decided, every check with its requirement', () => {
    expect(decision.checks.every((check) => check.requirement === rules[check.rule].requirement)).toBe(true);
    expect(decisionFromJson(decisionToJson(decision))).toEqual(decision);
    expect(JSON.stringify(decisionFromJson(decisionToJson(decision)))).toBe(JSON.stringify(decision));
  });

  it('is written without the requirements, a third smaller', () => {
    const stored = decisionToJson(decision);
    expect(stored).not.toContain('"requirement"');
    expect(stored.length).toBeLessThan(JSON.stringify(decision).length * 0.75);
  });

  it('reads decisions stored whole, keeps a requirement that is not the rule\'s, and reads an older quoted sentence as the requirement', () => {
    expect(decisionFromJson(JSON.stringify(decision))).toEqual(decision);
    const odd = { ...decision, checks: decision.checks.map((check, i) => (i === 0 ? { ...check, requirement: 'Worded by an older version.' } : check)) };
    expect(decisionFromJson(decisionToJson(odd))).toEqual(odd);
    const older = { ...decision, checks: decision.checks.map(({ requirement: _r, ...check }) => ({ ...check, sentence: 'A quoted source sentence.' })) };
    expect(decisionFromJson(JSON.stringify(older))).toEqual(decision);
    expect(decisionFromJson('null')).toBeNull();
  });
});
