import type ICAL from 'ical.js';
import type { Attendee, Organizer } from './types.js';

/**
 * Structured conference properties, most specific first. ONLINEMEETINGCONFLINK is usually a `conf:sip:` URI,
 * which is filtered out with every other non-web value.
 */
const CONFERENCE_PROPERTIES = [
  'x-google-conference',
  'x-microsoft-skypeteamsmeetingurl',
  'x-microsoft-onlinemeetingexternallink',
  'x-microsoft-onlinemeetingconflink',
  'conference',
  'url',
];

export function text(component: ICAL.Component, name: string): string | undefined {
  const value: unknown = component.getFirstPropertyValue(name);
  if (value === null || value === undefined) return undefined;
  const result = String(value).trim();
  return result === '' ? undefined : result;
}

function parameter(property: ICAL.Property, name: string): string | undefined {
  const value: unknown = property.getParameter(name);
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first.trim() !== '' ? first.trim() : undefined;
}

/** `mailto:Jane@Example.com` -> `jane@example.com`; values that are no address (urn:, invalid:) -> undefined. */
export function address(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().replace(/^mailto:/i, '').trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(email) ? email : undefined;
}

export function organizer(component: ICAL.Component): Organizer | undefined {
  const property = component.getFirstProperty('organizer');
  if (!property) return undefined;
  const email = address(property.getFirstValue()) ?? address(parameter(property, 'email'));
  if (!email) return undefined;
  const name = parameter(property, 'cn');
  const sentBy = address(parameter(property, 'sent-by'));
  return { email, ...(name ? { name } : {}), ...(sentBy ? { sentBy } : {}) };
}

export function attendees(component: ICAL.Component): Attendee[] {
  const result: Attendee[] = [];
  for (const property of component.getAllProperties('attendee')) {
    const email = address(property.getFirstValue()) ?? address(parameter(property, 'email'));
    if (!email || result.some((attendee) => attendee.email === email)) continue;
    const fields = { name: parameter(property, 'cn'), role: parameter(property, 'role'), partstat: parameter(property, 'partstat'), cutype: parameter(property, 'cutype') };
    const attendee: Attendee = { email };
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined) attendee[key as keyof typeof fields] = key === 'name' ? value : value.toUpperCase();
    }
    result.push(attendee);
  }
  return result;
}

export function conferenceLinks(component: ICAL.Component): string[] {
  const links: string[] = [];
  for (const name of CONFERENCE_PROPERTIES) {
    for (const property of component.getAllProperties(name)) {
      const value: unknown = property.getFirstValue();
      const link = typeof value === 'string' ? value.trim() : '';
      if (/^https?:\/\//i.test(link) && !links.includes(link)) links.push(link);
    }
  }
  return links;
}

/** X-ALT-DESC;FMTTYPE=text/html (Outlook, Podio), else an ALTREP="data:text/html,..." on DESCRIPTION. */
export function descriptionHtml(component: ICAL.Component): string | undefined {
  for (const property of component.getAllProperties('x-alt-desc')) {
    const type = parameter(property, 'fmttype')?.toLowerCase();
    const value: unknown = property.getFirstValue();
    if ((type === undefined || type === 'text/html') && typeof value === 'string' && value.trim() !== '') return value;
  }
  const altrep = component.getFirstProperty('description')?.getParameter('altrep');
  const dataUrl = typeof altrep === 'string' ? /^data:text\/html(?:;charset=[^,;]+)?,(.*)$/is.exec(altrep) : null;
  if (!dataUrl?.[1]) return undefined;
  try {
    return decodeURIComponent(dataUrl[1]);
  } catch {
    return dataUrl[1];
  }
}

export function sequence(component: ICAL.Component): number {
  const value = Number(component.getFirstPropertyValue('sequence'));
  return Number.isInteger(value) && value >= 0 ? value : 0;
}

export function classification(component: ICAL.Component): { classification?: string; private: boolean } {
  const value = text(component, 'class')?.toUpperCase();
  return { ...(value ? { classification: value } : {}), private: value === 'PRIVATE' || value === 'CONFIDENTIAL' };
}
