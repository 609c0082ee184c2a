import { isReasonCode, rules } from './reasons.js';

/**
 * A Decision as stored (with its session and with each meeting occurrence). Every check's article sentence is
 * its rule's (reasons.ts), a third of a decision's size; it is left out when written and put back when read,
 * so each invite writes some 4 KB less. Decisions stored with their sentences read the same.
 */
export function decisionToJson(decision: unknown): string {
  if (isRecord(decision) && Array.isArray(decision.checks)) return JSON.stringify({ ...decision, checks: decision.checks.map(withoutSentence) });
  return JSON.stringify(decision);
}

export function decisionFromJson(json: string): unknown {
  const decision: unknown = JSON.parse(json);
  if (isRecord(decision) && Array.isArray(decision.checks)) decision.checks = decision.checks.map(withSentence);
  return decision;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function ruleSentence(check: Record<string, unknown>): string | undefined {
  const rule = check.rule;
  if (typeof rule !== 'string' || !isReasonCode(rule)) return undefined;
  const info = rules[rule];
  return 'sentence' in info ? info.sentence : undefined;
}

function withoutSentence(check: unknown): unknown {
  if (!isRecord(check) || check.sentence === undefined || check.sentence !== ruleSentence(check)) return check;
  const { sentence: _sentence, ...rest } = check;
  return rest;
}

function withSentence(check: unknown): unknown {
  if (!isRecord(check) || check.sentence !== undefined) return check;
  const sentence = ruleSentence(check);
  if (sentence === undefined) return check;
  // The sentence goes back where the check was built with it: after the message, before `skipped`.
  const { skipped, ...rest } = check;
  return { ...rest, sentence, ...(skipped === undefined ? {} : { skipped }) };
}
