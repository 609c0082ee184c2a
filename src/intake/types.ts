/** Shapes intake produces; errors are values so a bad invite is a reply, never a crash. */

export type ParseErrorReason =
  | 'empty'
  | 'too_large'
  | 'no_vcalendar'
  | 'no_vevent'
  | 'unparseable'
  | 'no_calendar_in_email'
  | 'unreadable_email';

export interface ParseError {
  error: ParseErrorReason;
  message: string;
}

export interface Person {
  /** Lowercased, `mailto:` stripped. */
  email: string;
  name?: string;
}

export interface Organizer extends Person {
  /** A delegate sending on the organizer's behalf (SENT-BY). */
  sentBy?: string;
}

export interface Attendee extends Person {
  role?: string;
  partstat?: string;
  cutype?: string;
}

/** One occurrence to record; times are UTC ISO-8601 (all-day: midnight UTC of the date). */
export interface Occurrence {
  start: string;
  end: string;
  /** UTC ISO of the slot this occurrence fills in its series; absent for a non-recurring event. */
  recurrenceId?: string;
  /** Set when a RECURRENCE-ID component changed this occurrence; its own fields then apply. */
  override?: OccurrenceOverride;
}

export interface OccurrenceOverride {
  sequence: number;
  status?: string;
  summary?: string;
  location?: string;
  description?: string;
  conference: string[];
}

export interface ParsedEvent {
  uid?: string;
  sequence: number;
  /** UTC ISO. */
  dtstamp?: string;
  summary?: string;
  description?: string;
  /** X-ALT-DESC;FMTTYPE=text/html or a data:text/html ALTREP. */
  descriptionHtml?: string;
  location?: string;
  organizer?: Organizer;
  attendees: Attendee[];
  /** CONFIRMED / TENTATIVE / CANCELLED, uppercased. */
  status?: string;
  classification?: string;
  /** CLASS:PRIVATE or CONFIDENTIAL. */
  private: boolean;
  /** Structured conference links (X-GOOGLE-CONFERENCE, X-MICROSOFT-SKYPETEAMSMEETINGURL, CONFERENCE, ...). */
  conference: string[];
  /** First start and end, UTC ISO; absent when the component has no DTSTART (tolerated in a CANCEL). */
  start?: string;
  end?: string;
  allDay: boolean;
  /** The zone DTSTART was written in (IANA when known); absent for UTC-less floating times. */
  timeZone?: string;
  /** DTSTART had no zone and none could be inferred: it was read as UTC. */
  floating: boolean;
  recurring: boolean;
  rrule?: string;
  /** For a component that is itself an override with no master in this calendar. */
  recurrenceId?: string;
  occurrences: Occurrence[];
  /** Expansion stopped at the iteration cap before reaching the horizon. */
  truncated: boolean;
}

export interface ParsedCalendar {
  /** METHOD uppercased (REQUEST, CANCEL, PUBLISH, REPLY, COUNTER, ...); absent when the file has none. */
  method?: string;
  prodId?: string;
  events: ParsedEvent[];
  /** Repairs and oddities, for the session log; never fatal. */
  warnings: string[];
}

export interface CalendarOptions {
  /** Occurrences starting after now + horizonDays are not expanded. */
  horizonDays: number;
  now: Date;
}

export function isParseError(value: unknown): value is ParseError {
  return typeof value === 'object' && value !== null && 'error' in value && 'message' in value;
}
