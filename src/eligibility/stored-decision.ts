import { isReasonCode, rules } from './reasons.js';

/**
 * A Decision as stored (with its session and with each meeting occurrence). Every check's requirement is its
 * rule's (reasons.ts), a third of a decision's size; it is left out when written and put back when read, so each
 * invite writes some 4 KB less. Decisions written by earlier versions carried a quoted source sentence in
 * `sentence` instead: it is read as the rule's requirement today.
 */
export function decisionToJson(decision: unknown): string {
  if (isRecord(decision) && Array.isArray(decision.checks)) return JSON.stringify({ ...decision, checks: decision.checks.map(withoutRequirement) });
  return JSON.stringify(decision);
}

export function decisionFromJson(json: string): unknown {
  const decision: unknown = JSON.parse(json);
  if (isRecord(decision) && Array.isArray(decision.checks)) decision.checks = decision.checks.map(withRequirement);
  return decision;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function ruleRequirement(check: Record<string, unknown>): string | undefined {
  const rule = check.rule;
  return typeof rule === 'string' && isReasonCode(rule) ? rules[rule].requirement : undefined;
}

function withoutRequirement(check: unknown): unknown {
  if (!isRecord(check) || check.requirement === undefined || check.requirement !== ruleRequirement(check)) return check;
  const { requirement: _requirement, ...rest } = check;
  return rest;
}

function withRequirement(check: unknown): unknown {
  if (!isRecord(check) || check.requirement !== undefined) return check;
  const requirement = ruleRequirement(check);
  if (requirement === undefined) return check;
  // Back where the check was built with it: after the message, before `skipped`.
  const { skipped, sentence: _sentence, ...rest } = check;
  return { ...rest, requirement, ...(skipped === undefined ? {} : { skipped }) };
}
