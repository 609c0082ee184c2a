/**
 * Repairs iCalendar text before ical.js sees it. Real senders break RFC 5545 in recurring ways (corpus SOURCES.md):
 * a BOM, text around the VCALENDAR, DESCRIPTION continued over raw unfolded lines, blank lines inside
 * components, "METHOD: REQUEST", an ORGANIZER with no colon, a TZID quote that swallows the value, spaces in an
 * RRULE. Each repair is one small rule; what could not be repaired is dropped with a warning, never thrown.
 */

/** RFC 5545/5546/7986 property names; any other name that is not X- marks a raw continuation line. */
const KNOWN_NAMES = new Set(
  (
    'BEGIN END VERSION PRODID CALSCALE METHOD UID SEQUENCE DTSTAMP DTSTART DTEND DURATION DUE SUMMARY DESCRIPTION ' +
    'LOCATION ORGANIZER ATTENDEE STATUS CLASS TRANSP PRIORITY CREATED LAST-MODIFIED RRULE RDATE EXDATE EXRULE ' +
    'RECURRENCE-ID RELATED-TO URL GEO CATEGORIES COMMENT CONTACT RESOURCES ATTACH TZID TZNAME TZOFFSETFROM ' +
    'TZOFFSETTO TZURL ACTION TRIGGER REPEAT REQUEST-STATUS FREEBUSY COLOR CONFERENCE IMAGE NAME REFRESH-INTERVAL ' +
    'SOURCE PERCENT-COMPLETE COMPLETED'
  ).split(' '),
);
/** Text properties whose raw continuation lines (blank ones included) belong to their value. */
const TEXT_NAMES = new Set(['DESCRIPTION', 'SUMMARY', 'LOCATION', 'COMMENT', 'X-ALT-DESC']);
/** Value types where a space after the colon is noise, not content. */
const TRIMMED_VALUES = new Set([
  'METHOD', 'DTSTART', 'DTEND', 'DTSTAMP', 'DURATION', 'RRULE', 'EXDATE', 'RDATE', 'RECURRENCE-ID', 'SEQUENCE',
  'STATUS', 'CLASS', 'UID', 'TRANSP', 'PRIORITY', 'CREATED', 'LAST-MODIFIED', 'TZOFFSETFROM', 'TZOFFSETTO',
]);
const LINE_NAME = /^([A-Za-z][A-Za-z0-9-]*)(?=[;:])/;

export interface SanitizedText {
  text: string;
  warnings: string[];
}

function unfold(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/\n[ \t]/g, '')
    .split('\n');
}

function propertyName(line: string): string | undefined {
  const name = LINE_NAME.exec(line)?.[1]?.toUpperCase();
  if (!name) return undefined;
  return KNOWN_NAMES.has(name) || name.startsWith('X-') ? name : undefined;
}

/** Index of the first `:` outside double quotes: where the value starts. */
function valueColon(line: string): number {
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (char === '"') quoted = !quoted;
    else if (char === ':' && !quoted) return i;
  }
  return -1;
}

/** One content line made parseable, or undefined when it cannot be. */
function repairLine(line: string, name: string): string | undefined {
  // DTSTART;TZID="W. Europe Standard Time:20200609T090000" (node-ical ms_timezones): the quote took the value.
  const swallowed = /^([A-Za-z-]+;TZID=)"([^":]+):(\d{8}(?:T\d{6}Z?)?)"?$/i.exec(line);
  if (swallowed) return `${swallowed[1]}"${swallowed[2]}":${swallowed[3]}`;
  const colon = valueColon(line);
  if (colon < 0) return undefined;
  // ORGANIZER;mailto:x@y (Zimbra, akonadi corpus): `;` where the `:` before the address belongs.
  const head = line.slice(0, colon).replace(/;(mailto)$/i, ':$1');
  if (head !== line.slice(0, colon)) return `${head}:${line.slice(colon + 1)}`;
  let value = line.slice(colon + 1);
  if (TRIMMED_VALUES.has(name)) value = value.trim();
  // RRULE:FREQ=WEEKLY;BYDAY=MO, TU, WE (legacy Exchange CDO): spaces inside a rule are never meaningful.
  if (name === 'RRULE' || name === 'EXRULE') value = value.replace(/\s+/g, '');
  return `${head}:${value}`;
}

interface Collector {
  lines: string[];
  lastName?: string;
}

function addContinuation(out: Collector, raw: string, warnings: string[]): void {
  const last = out.lines.length - 1;
  if (last >= 0 && out.lastName && TEXT_NAMES.has(out.lastName)) {
    // Escaped as RFC 5545 TEXT so ical.js decodes it back to a newline.
    out.lines[last] = `${out.lines[last]}\\n${raw.replace(/\\/g, '\\\\').replace(/([;,])/g, '\\$1')}`;
  } else if (raw.trim() !== '') {
    warnings.push(`dropped a line that is not a property: ${raw.slice(0, 60)}`);
  }
}

/** Keeps lines from the first BEGIN:VCALENDAR to its END (trailers like Podio's X-COMMENT are dropped). */
export function sanitizeIcal(input: string): SanitizedText {
  const warnings: string[] = [];
  const out: Collector = { lines: [] };
  let inside = false;
  for (const raw of unfold(input)) {
    const line = inside ? raw : raw.trim();
    if (!inside) {
      inside = /^BEGIN:VCALENDAR$/i.test(line);
      if (inside) out.lines.push('BEGIN:VCALENDAR');
      continue;
    }
    const name = propertyName(line);
    if (!name) {
      addContinuation(out, raw, warnings);
      continue;
    }
    const repaired = repairLine(line, name);
    if (repaired === undefined) {
      warnings.push(`dropped an unreadable ${name} line`);
      continue;
    }
    out.lines.push(repaired);
    out.lastName = name;
    if (/^END:VCALENDAR$/i.test(repaired.trim())) break;
  }
  return { text: out.lines.join('\r\n'), warnings };
}
