import ICAL from 'ical.js';
import { dateKey, durationMs, readTime, readTimes, wallOf } from './ical-time.js';
import type { ReadTime, TimeContext } from './ical-time.js';
import { wallToUtc } from './zones.js';

/** One slot of a series before overrides: when it starts, and the key RECURRENCE-IDs use to name it. */
export interface Slot {
  key: string;
  startMs: number;
  endMs: number;
}

export interface Window {
  startMs: number;
  endMs: number;
  /** Rule steps left for the whole calendar (shared by its series): unset, each series gets `STEP_BUDGET`. */
  budget?: StepBudget;
}

/** ical.js rule steps (candidate dates checked against BYxxx parts) an expansion may still take. */
export interface StepBudget {
  steps: number;
}

export interface Expansion {
  slots: Slot[];
  truncated: boolean;
}

/** A MINUTELY rule from 2010 must not spin forever: bound the work, and say so. */
const MAX_ITERATIONS = 50_000;
const MAX_SLOTS = 1_000;
/**
 * ical.js's `next()` loops inside until a candidate passes the rule's BYxxx parts; a rule no date satisfies
 * (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) never does, so one call never returned and one mail hung its thread.
 * Every candidate is counted against this many steps per calendar (about a second of work), however many
 * series it holds.
 */
export const STEP_BUDGET = 200_000;
/** No zone is more than 14 hours from UTC, so a wall time this far before the window cannot be in it. */
const SLACK_MS = 2 * 86_400_000;

/**
 * The key naming a slot: its UTC instant, or its date when the series is all-day. Exchange writes the
 * RECURRENCE-ID of an all-day series as a zoned DATE-TIME (icalevents, node-ical corpus), so the wall date is used.
 */
export function slotKey(time: ReadTime, allDay: boolean): string {
  return allDay ? dateKey(time.wall) : new Date(time.utcMs).toISOString();
}

function untilMs(recur: ICAL.Recur, start: ReadTime): number | undefined {
  const until = recur.until;
  if (!until) return undefined;
  if (until.zone === ICAL.Timezone.utcTimezone) return until.toUnixTime() * 1000;
  // A DATE UNTIL on a DATE-TIME series (Google, icalevents corpus) still includes that whole day.
  const wall = until.isDate ? { ...wallOf(until), hour: 23, minute: 59, second: 59 } : wallOf(until);
  return start.isDate ? Date.UTC(wall.year, wall.month - 1, wall.day, 23, 59, 59) : wallToUtc(wall, start.zone);
}

/** Wall-clock iteration: a weekly 09:00 meeting stays at 09:00 local across a DST change. */
class BudgetSpent extends Error {}

/** Counts each candidate ical.js checks inside `next()` against `budget`, throwing BudgetSpent once it is gone. */
function counted(iterator: ICAL.RecurIterator, budget: StepBudget): ICAL.RecurIterator {
  const check = iterator.check_contracting_rules.bind(iterator);
  iterator.check_contracting_rules = () => {
    budget.steps -= 1;
    if (budget.steps < 0) throw new BudgetSpent('recurrence step budget spent');
    return check();
  };
  return iterator;
}

function ruleSlots(rule: ICAL.Recur, start: ReadTime, lengthMs: number, window: Window, budget: StepBudget): Expansion {
  const slots: Slot[] = [];
  try {
    return iterateSlots(rule, start, lengthMs, window, budget, slots);
  } catch (error) {
    if (error instanceof BudgetSpent) return { slots, truncated: true };
    throw error;
  }
}

function iterateSlots(rule: ICAL.Recur, start: ReadTime, lengthMs: number, window: Window, budget: StepBudget, slots: Slot[]): Expansion {
  const recur = rule.clone();
  const limit = untilMs(recur, start);
  recur.until = null;
  const floating = new ICAL.Time({ ...start.wall, isDate: start.isDate }, ICAL.Timezone.localTimezone);
  const iterator = counted(recur.iterator(floating), budget);
  for (let i = 0; i < MAX_ITERATIONS; i += 1) {
    const next = iterator.next();
    if (!next) return { slots, truncated: false };
    const wall = wallOf(next);
    const wallMs = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
    if (wallMs < window.startMs - lengthMs - SLACK_MS && (limit === undefined || wallMs - SLACK_MS <= limit)) continue;
    const startMs = start.isDate ? wallMs : wallToUtc(wall, start.zone);
    if ((limit !== undefined && startMs > limit) || startMs >= window.endMs) return { slots, truncated: false };
    const time: ReadTime = { ...start, wall, utcMs: startMs };
    slots.push({ key: slotKey(time, start.isDate), startMs, endMs: startMs + lengthMs });
    if (slots.length >= MAX_SLOTS) return { slots, truncated: true };
  }
  return { slots, truncated: true };
}

/** RRULE + RDATE - EXDATE for a master component, limited to slots that overlap the window. */
export function expandSeries(master: ICAL.Component, context: TimeContext, window: Window): Expansion {
  const start = readTime(master, 'dtstart', context);
  if (!start) return { slots: [], truncated: false };
  const lengthMs = durationMs(master, start, context);
  const bySlot = new Map<string, Slot>();
  let truncated = false;
  const budget = window.budget ?? { steps: STEP_BUDGET };
  for (const property of master.getAllProperties('rrule')) {
    const rule: unknown = property.getFirstValue();
    if (!(rule instanceof ICAL.Recur)) continue;
    const expansion = ruleSlots(rule, start, lengthMs, window, budget);
    truncated ||= expansion.truncated;
    for (const slot of expansion.slots) bySlot.set(slot.key, slot);
  }
  // DTSTART is always the first instance, even when the rule would not generate it (RFC 5545 §3.8.5.3).
  bySlot.set(slotKey(start, start.isDate), { key: slotKey(start, start.isDate), startMs: start.utcMs, endMs: start.utcMs + lengthMs });
  for (const rdate of readTimes(master, 'rdate', context)) {
    const key = slotKey(rdate, start.isDate);
    bySlot.set(key, { key, startMs: rdate.utcMs, endMs: rdate.utcMs + lengthMs });
  }
  for (const exdate of readTimes(master, 'exdate', context)) bySlot.delete(slotKey(exdate, start.isDate));
  const slots = [...bySlot.values()]
    .filter((slot) => slot.endMs > window.startMs && slot.startMs < window.endMs)
    .sort((a, b) => a.startMs - b.startMs);
  return { slots, truncated };
}
