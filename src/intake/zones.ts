import ICAL from 'ical.js';
import { WINDOWS_DISPLAY_NAMES, WINDOWS_ZONES } from './windows-zones.js';

/** Wall-clock fields as written in the invite. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** How a TZID was understood: `floating` means no zone at all (read as UTC, flagged by the caller). */
export type Zone =
  | { kind: 'utc' }
  | { kind: 'iana'; name: string }
  | { kind: 'vtimezone'; name: string; timezone: ICAL.Timezone }
  | { kind: 'fixed'; name: string; offsetMs: number }
  | { kind: 'floating' };

const HOUR_MS = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat | undefined {
  const cached = formatters.get(zone);
  if (cached) return cached;
  try {
    const created = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, created);
    return created;
  } catch {
    return undefined;
  }
}

/** The IANA zone name Intl knows for `name`, or undefined (Intl throws RangeError on unknown zones). */
function ianaName(name: string): string | undefined {
  return formatter(name) ? name : undefined;
}

const QUARTER_HOUR_MS = 900_000;
/** Since 1973 every zone's offset is a whole number of quarter hours and changes at a quarter hour (UTC). */
const QUARTER_HOURS_FROM = Date.UTC(1973, 0, 1);
const offsets = new Map<string, number>();

function formattedOffsetMs(utcMs: number, zone: string): number {
  const parts = formatter(zone)?.formatToParts(new Date(utcMs)) ?? [];
  const field = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const wall = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/** The zone's offset at `utcMs`, kept per quarter hour: Intl's formatToParts was the costliest step of reading an invite. */
function ianaOffsetMs(utcMs: number, zone: string): number {
  if (utcMs < QUARTER_HOURS_FROM) return formattedOffsetMs(utcMs, zone);
  const key = `${zone} ${Math.floor(utcMs / QUARTER_HOUR_MS)}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  const offset = formattedOffsetMs(utcMs, zone);
  if (offsets.size >= 100_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

/**
 * Wall time to UTC per RFC 5545 §3.3.5: an ambiguous time (fall back) is its first occurrence; a time in the
 * spring-forward gap is read with the offset in force before the gap (02:30 becomes 03:30 daylight time).
 */
function ianaToUtc(wallMs: number, zone: string): number {
  // The instant lies within [wall - 14 h, wall + 12 h] (offsets run from -12:00 to +14:00): probe a day past each end.
  const before = ianaOffsetMs(wallMs - 38 * HOUR_MS, zone);
  const after = ianaOffsetMs(wallMs + 36 * HOUR_MS, zone);
  const valid = [wallMs - before, wallMs - after].filter((utc) => ianaOffsetMs(utc, zone) === wallMs - utc);
  return valid.length > 0 ? Math.min(...valid) : wallMs - before;
}

function vtimezoneToUtc(wall: WallTime, timezone: ICAL.Timezone): number {
  const local = new ICAL.Time({ ...wall, isDate: false }, ICAL.Timezone.localTimezone);
  const wallMs = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallMs - timezone.utcOffset(local) * 1000;
}

export function wallToUtc(wall: WallTime, zone: Zone): number {
  const wallMs = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  switch (zone.kind) {
    case 'iana':
      return ianaToUtc(wallMs, zone.name);
    case 'vtimezone':
      return vtimezoneToUtc(wall, zone.timezone);
    case 'fixed':
      return wallMs - zone.offsetMs;
    case 'utc':
    case 'floating':
      return wallMs;
  }
}

const windowsByName = new Map(Object.entries(WINDOWS_ZONES).map(([windows, iana]) => [windows.toLowerCase(), iana]));

function lookupWindows(name: string): string | undefined {
  const lower = name.toLowerCase();
  // "FLE" (Domino) is the Windows key without its " Standard Time" suffix.
  return windowsByName.get(lower) ?? windowsByName.get(`${lower} standard time`);
}

/** "(UTC-05:00) Eastern Time (US & Canada)" / "(GMT+10:00) Canberra, Melbourne, Sydney" (OWA, no VTIMEZONE). */
function displayNameZone(name: string): Zone | undefined {
  const match = /^\((?:UTC|GMT)(?:([+-])(\d{1,2}):?(\d{2}))?\)\s*(.*)$/i.exec(name);
  if (!match) return undefined;
  const iana = WINDOWS_DISPLAY_NAMES[(match[4] ?? '').trim().toLowerCase()];
  if (iana) return { kind: 'iana', name: iana };
  const sign = match[1] === '-' ? -1 : 1;
  const offsetMs = sign * (Number(match[2] ?? 0) * HOUR_MS + Number(match[3] ?? 0) * 60_000);
  return { kind: 'fixed', name, offsetMs };
}

/** Zones known by name: IANA, Windows names, or an IANA suffix in a prefixed id (`/mozilla.org/.../Europe/Berlin`). */
function namedZone(tzid: string): Zone | undefined {
  if (/^(?:utc|gmt|z|etc\/utc|etc\/gmt)$/i.test(tzid)) return { kind: 'utc' };
  const windows = lookupWindows(tzid);
  if (windows) return { kind: 'iana', name: windows };
  if (tzid.includes('/')) {
    const iana = ianaName(tzid) ?? ianaName(/([A-Za-z_]+\/[A-Za-z_+-]+)$/.exec(tzid)?.[1] ?? '');
    if (iana) return { kind: 'iana', name: iana };
  }
  return undefined;
}

/**
 * Resolves a TZID. A known name wins over the file's VTIMEZONE because Exchange's definitions carry only today's
 * rule and custom ones are sometimes wrong; the VTIMEZONE is used for names only it defines ("Customized Time
 * Zone"), then OWA display names; an unknown TZID with no definition is floating.
 */
export function resolveZone(tzid: string | undefined, vtimezones: ReadonlyMap<string, ICAL.Timezone>): Zone {
  if (tzid === undefined || tzid.trim() === '') return { kind: 'floating' };
  const name = tzid.trim().replace(/^"|"$/g, '');
  const named = namedZone(name);
  if (named) return named;
  const timezone = vtimezones.get(name);
  if (timezone) return { kind: 'vtimezone', name, timezone };
  return displayNameZone(name) ?? { kind: 'floating' };
}

export function zoneName(zone: Zone): string | undefined {
  return zone.kind === 'floating' ? undefined : zone.kind === 'utc' ? 'UTC' : zone.name;
}
