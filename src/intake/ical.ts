import ICAL from 'ical.js';
import * as fields from './ical-fields.js';
import { durationMs, readTime, zoneLabel } from './ical-time.js';
import type { ReadTime, TimeContext } from './ical-time.js';
import { sanitizeIcal } from './ical-text.js';
import { expandSeries, slotKey, STEP_BUDGET } from './recurrence.js';
import type { Window } from './recurrence.js';
import type { CalendarOptions, Occurrence, OccurrenceOverride, ParseError, ParsedCalendar, ParsedEvent } from './types.js';
import { resolveZone } from './zones.js';

/** Invites are small; Outlook's 40 KB X-ALT-DESC is the largest in the corpus. Beyond this it is not an invite. */
const MAX_BYTES = 5 * 1024 * 1024;
const DAY_MS = 86_400_000;

const iso = (ms: number) => new Date(ms).toISOString();

function parseRoot(text: string): ICAL.Component | ParseError {
  try {
    const parsed: unknown = ICAL.parse(text);
    // Several VCALENDARs in one text are read as one: their events are what matters.
    const jcal = Array.isArray(parsed) && Array.isArray(parsed[0]) ? (parsed as unknown[])[0] : parsed;
    return new ICAL.Component(jcal as unknown[]);
  } catch (error) {
    return { error: 'unparseable', message: `iCalendar syntax error: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The BYxxx parts a zone's yearly change rule uses (tzdata, Exchange, Google): a month and a day in it. */
const ZONE_RULE_PARTS = new Set(['BYMONTH', 'BYDAY', 'BYMONTHDAY', 'BYYEARDAY']);

/**
 * Whether every observance rule of a VTIMEZONE recurs yearly on a month and day. ical.js expands these rules from
 * their first year on: FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30 there never returned, and FREQ=SECONDLY took millions of
 * steps. No real zone changes its offset more than yearly.
 */
function yearlyZoneRules(component: ICAL.Component): boolean {
  const observances = [...component.getAllSubcomponents('standard'), ...component.getAllSubcomponents('daylight')];
  return observances.every((observance) =>
    observance.getAllProperties('rrule').every((property) => {
      const rule: unknown = property.getFirstValue();
      return rule instanceof ICAL.Recur && rule.freq === 'YEARLY' && Object.keys(rule.parts).every((part) => ZONE_RULE_PARTS.has(part));
    }),
  );
}

function timeContext(root: ICAL.Component, warnings: string[]): TimeContext {
  const vtimezones = new Map<string, ICAL.Timezone>();
  for (const component of root.getAllSubcomponents('vtimezone')) {
    if (!yearlyZoneRules(component)) {
      warnings.push('ignored a VTIMEZONE whose offset rules are not yearly');
      continue;
    }
    try {
      const timezone = new ICAL.Timezone(component);
      if (timezone.tzid) vtimezones.set(timezone.tzid, timezone);
    } catch {
      warnings.push('ignored an unreadable VTIMEZONE');
    }
  }
  const [only] = vtimezones.keys();
  const soleZone = vtimezones.size === 1 && only !== undefined ? resolveZone(only, vtimezones) : undefined;
  return { vtimezones, warnings, ...(soleZone && soleZone.kind !== 'floating' ? { soleZone } : {}) };
}

function baseEvent(component: ICAL.Component, context: TimeContext): ParsedEvent {
  const text = (name: string) => fields.text(component, name);
  const dtstamp = readTime(component, 'dtstamp', context);
  const organizer = fields.organizer(component);
  const optional = {
    uid: text('uid'),
    dtstamp: dtstamp ? iso(dtstamp.utcMs) : undefined,
    summary: text('summary'),
    description: text('description'),
    descriptionHtml: fields.descriptionHtml(component),
    location: text('location'),
    status: text('status')?.toUpperCase(),
    rrule: component.getFirstProperty('rrule')?.getFirstValue()?.toString() as string | undefined,
  };
  const event: ParsedEvent = {
    sequence: fields.sequence(component),
    attendees: fields.attendees(component),
    ...fields.classification(component),
    conference: fields.conferenceLinks(component),
    allDay: false,
    floating: false,
    recurring: component.hasProperty('rrule') || component.hasProperty('rdate'),
    occurrences: [],
    truncated: false,
    ...(organizer ? { organizer } : {}),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(event, { [key]: value });
  }
  return event;
}

function withTimes(event: ParsedEvent, component: ICAL.Component, context: TimeContext): ReadTime | undefined {
  const start = readTime(component, 'dtstart', context);
  if (!start) return undefined;
  const timeZone = zoneLabel(start);
  Object.assign(event, {
    start: iso(start.utcMs),
    end: iso(start.utcMs + durationMs(component, start, context)),
    allDay: start.isDate,
    floating: !start.isDate && start.zone.kind === 'floating',
    ...(timeZone ? { timeZone } : {}),
  });
  return start;
}

function override(component: ICAL.Component, context: TimeContext, allDay: boolean): { key: string; occurrence: Occurrence } | undefined {
  const recurrenceId = readTime(component, 'recurrence-id', context);
  const event = baseEvent(component, context);
  const start = withTimes(event, component, context);
  if (!recurrenceId || !start || !event.start || !event.end) return undefined;
  const details: OccurrenceOverride = { sequence: event.sequence, conference: event.conference };
  for (const key of ['status', 'summary', 'location', 'description'] as const) {
    if (event[key] !== undefined) details[key] = event[key];
  }
  const occurrence = { start: event.start, end: event.end, recurrenceId: iso(recurrenceId.utcMs), override: details };
  return { key: slotKey(recurrenceId, allDay), occurrence };
}

/** A series: the master's slots in the window, each replaced by its RECURRENCE-ID override when there is one. */
function seriesEvent(master: ICAL.Component, overrides: ICAL.Component[], context: TimeContext, window: Window): ParsedEvent {
  const event = baseEvent(master, context);
  const start = withTimes(event, master, context);
  if (!start) return event;
  if (!event.recurring) {
    // A single event keeps its one occurrence even when past: eligibility says `meeting_over`, not intake.
    event.occurrences = [{ start: event.start ?? '', end: event.end ?? '' }];
    return event;
  }
  const expansion = expandSeries(master, context, window);
  const byKey = new Map(expansion.slots.map((slot) => [slot.key, { start: iso(slot.startMs), end: iso(slot.endMs), recurrenceId: iso(slot.startMs) } as Occurrence]));
  for (const component of overrides) {
    const found = override(component, context, start.isDate);
    if (!found) continue;
    byKey.delete(found.key);
    const { occurrence } = found;
    // A moved occurrence counts where it now is, not where its slot was.
    if (Date.parse(occurrence.end) > window.startMs && Date.parse(occurrence.start) < window.endMs) byKey.set(found.key, occurrence);
  }
  event.occurrences = [...byKey.values()].sort((a, b) => a.start.localeCompare(b.start));
  event.truncated = expansion.truncated;
  return event;
}

/** An override whose master is not in this calendar (a single moved or cancelled instance): its own event. */
function orphanEvent(component: ICAL.Component, context: TimeContext): ParsedEvent {
  const event = baseEvent(component, context);
  withTimes(event, component, context);
  const recurrenceId = readTime(component, 'recurrence-id', context);
  if (recurrenceId) event.recurrenceId = iso(recurrenceId.utcMs);
  if (event.start && event.end) event.occurrences = [{ start: event.start, end: event.end, ...(event.recurrenceId ? { recurrenceId: event.recurrenceId } : {}) }];
  return event;
}

interface Group {
  masters: ICAL.Component[];
  overrides: ICAL.Component[];
}

/** Groups VEVENTs by UID in file order; events with no UID (OWA exports) stand alone. */
function groupByUid(vevents: ICAL.Component[]): Group[] {
  const groups = new Map<string, Group>();
  const result: Group[] = [];
  for (const [index, component] of vevents.entries()) {
    const uid = fields.text(component, 'uid') ?? `\u0000no-uid-${index}`;
    let group = groups.get(uid);
    if (!group) {
      group = { masters: [], overrides: [] };
      groups.set(uid, group);
      result.push(group);
    }
    (component.hasProperty('recurrence-id') ? group.overrides : group.masters).push(component);
  }
  return result;
}

function readEvents(vevents: ICAL.Component[], context: TimeContext, window: Window): ParsedEvent[] {
  const events: ParsedEvent[] = [];
  for (const group of groupByUid(vevents)) {
    try {
      if (group.masters.length === 0) {
        events.push(...group.overrides.map((component) => orphanEvent(component, context)));
        continue;
      }
      if (group.masters.length > 1) context.warnings.push('several VEVENTs share one UID without RECURRENCE-ID');
      for (const master of group.masters) events.push(seriesEvent(master, group.overrides, context, window));
    } catch (error) {
      context.warnings.push(`skipped an unreadable VEVENT: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return events;
}

/**
 * Parses an iCalendar text into its method and events, series expanded to occurrences within
 * `[now, now + horizonDays]`. Malformed input returns a ParseError; nothing throws.
 */
export function parseCalendar(text: string, options: CalendarOptions): ParsedCalendar | ParseError {
  if (text.trim() === '') return { error: 'empty', message: 'the calendar is empty' };
  if (Buffer.byteLength(text) > MAX_BYTES) return { error: 'too_large', message: `the calendar is over ${MAX_BYTES} bytes` };
  const { text: clean, warnings } = sanitizeIcal(text);
  if (clean === '') return { error: 'no_vcalendar', message: 'no BEGIN:VCALENDAR found' };
  const root = parseRoot(clean);
  if ('error' in root) return root;
  const vevents = root.getAllSubcomponents('vevent');
  if (vevents.length === 0) return { error: 'no_vevent', message: 'the calendar holds no VEVENT' };
  const context = timeContext(root, warnings);
  const nowMs = options.now.getTime();
  // One step budget for every series in the calendar: a thousand series must not cost a thousand times one.
  const events = readEvents(vevents, context, { startMs: nowMs, endMs: nowMs + options.horizonDays * DAY_MS, budget: { steps: STEP_BUDGET } });
  if (events.length === 0) return { error: 'unparseable', message: `no readable VEVENT: ${warnings.at(-1) ?? 'unknown'}` };
  const method = fields.text(root, 'method')?.toUpperCase();
  const prodId = fields.text(root, 'prodid');
  return { ...(method ? { method } : {}), ...(prodId ? { prodId } : {}), events, warnings };
}
