import ICAL from 'ical.js';
import { resolveZone, wallToUtc, zoneName } from './zones.js';
import type { WallTime, Zone } from './zones.js';

/** What every time read in one calendar shares. */
export interface TimeContext {
  vtimezones: ReadonlyMap<string, ICAL.Timezone>;
  /** The calendar's only VTIMEZONE: Exchange sometimes writes floating times next to it (ics-parser issue-343). */
  soleZone?: Zone;
  warnings: string[];
}

export interface ReadTime {
  wall: WallTime;
  isDate: boolean;
  zone: Zone;
  utcMs: number;
}

const DAY_MS = 86_400_000;

export function wallOf(time: ICAL.Time): WallTime {
  return { year: time.year, month: time.month, day: time.day, hour: time.hour, minute: time.minute, second: time.second };
}

export function dateKey(wall: WallTime): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
}

function zoneOf(time: ICAL.Time, property: ICAL.Property, context: TimeContext): Zone {
  if (time.zone === ICAL.Timezone.utcTimezone) return { kind: 'utc' };
  const tzid: unknown = property.getParameter('tzid');
  const zone = resolveZone(typeof tzid === 'string' ? tzid : undefined, context.vtimezones);
  if (zone.kind !== 'floating') return zone;
  if (typeof tzid === 'string') context.warnings.push(`unknown TZID "${tzid}" read as UTC`);
  return context.soleZone ?? zone;
}

/** A DATE or DATE-TIME as written plus its UTC instant (all-day: midnight UTC of the date). */
export function toReadTime(time: ICAL.Time, property: ICAL.Property, context: TimeContext): ReadTime {
  const wall = wallOf(time);
  if (time.isDate) {
    return { wall, isDate: true, zone: { kind: 'floating' }, utcMs: Date.UTC(wall.year, wall.month - 1, wall.day) };
  }
  const zone = zoneOf(time, property, context);
  return { wall, isDate: false, zone, utcMs: wallToUtc(wall, zone) };
}

export function readTime(component: ICAL.Component, name: string, context: TimeContext): ReadTime | undefined {
  const property = component.getFirstProperty(name);
  const value: unknown = property?.getFirstValue();
  if (!property || !(value instanceof ICAL.Time)) return undefined;
  return toReadTime(value, property, context);
}

/** Every value of every EXDATE/RDATE line (one line may carry several, Exchange folds them mid-value). */
export function readTimes(component: ICAL.Component, name: string, context: TimeContext): ReadTime[] {
  const result: ReadTime[] = [];
  for (const property of component.getAllProperties(name)) {
    for (const value of property.getValues() as unknown[]) {
      // RDATE;VALUE=PERIOD (Lotus Notes) gives a Period: its start is the added occurrence.
      const time = value instanceof ICAL.Period ? value.start : value;
      if (time instanceof ICAL.Time) result.push(toReadTime(time, property, context));
    }
  }
  return result;
}

/** DTEND, else DTSTART + DURATION, else RFC 5545's defaults (one day for a date, zero for a date-time). */
export function durationMs(component: ICAL.Component, start: ReadTime, context: TimeContext): number {
  const end = readTime(component, 'dtend', context);
  if (end && end.utcMs >= start.utcMs) return end.utcMs - start.utcMs;
  const duration: unknown = component.getFirstPropertyValue('duration');
  if (duration instanceof ICAL.Duration) return Math.max(0, duration.toSeconds() * 1000);
  return start.isDate ? DAY_MS : 0;
}

export function zoneLabel(time: ReadTime): string | undefined {
  return time.isDate ? undefined : zoneName(time.zone);
}
