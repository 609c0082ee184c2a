// The read-only panels of the Session view, each built from the GET /v1/sessions/:id?events&attempts&choices answer.
import { el, fmtTime, stateBadge, withToken } from './lib.js';
import { remoteRows } from './long-list.js';

export function meetingPanel(session, meta) {
  const end = session.endCode ? meta.endCodes[session.endCode] : undefined;
  const fact = (term, ...value) => [el('dt', {}, term), el('dd', {}, ...value)];
  return el(
    'section',
    { 'aria-labelledby': 'meeting-title' },
    el('h2', { id: 'meeting-title' }, 'Meeting'),
    el(
      'dl',
      { class: 'facts' },
      fact('Title', session.title ?? '(none)'),
      fact('Meeting URL', el('code', {}, session.meetingUrl)),
      // Only ever the mask: the passcode itself goes to the bot alone.
      session.passcode ? fact('Passcode', `${session.passcode} (from the invite or request)`) : null,
      fact('Company', session.companyId),
      fact('Provider', `${session.provider} (${session.plan})`),
      fact('Requested by', session.requestedBy ?? ''),
      fact('Starts', fmtTime(session.startsAt)),
      fact('Ends', fmtTime(session.endsAt)),
      fact('Joins at', fmtTime(session.joinAt)),
      fact('State', el('span', { id: 'session-state' }, stateBadge(session.state))),
      fact('End code', el('span', { id: 'session-end-code' }, session.endCode ?? ''), end ? el('div', { class: 'muted' }, end.message) : null),
      fact('Attempt', el('span', { id: 'session-attempt' }, String(session.attempt))),
    ),
  );
}

function checkResult(check) {
  if (check.skipped) return el('span', { class: 'skipped' }, `skipped (${check.skipped.replaceAll('_', ' ')})`);
  return check.passed ? el('span', { class: 'pass' }, '✓ passed') : el('span', { class: 'fail' }, '✗ failed');
}

export function decisionPanel(decision) {
  const section = el('section', { 'aria-labelledby': 'decision-title', id: 'decision' }, el('h2', { id: 'decision-title' }, 'Decision'));
  if (!decision || typeof decision !== 'object') return section.appendChild(el('p', { class: 'muted' }, 'No eligibility decision was stored with this session (created before the eligibility check, or by an operator).')) && section;
  section.append(
    el(
      'p',
      {},
      decision.eligible ? el('strong', { class: 'pass' }, 'Eligible') : el('strong', { class: 'fail' }, 'Not eligible'),
      ` · path ${decision.path ?? '?'} · plan ${decision.plan ?? '?'}`,
      decision.provider ? ` · provider ${decision.provider}` : '',
    ),
  );
  if (Array.isArray(decision.reasons) && decision.reasons.length > 0) {
    section.append(el('h3', {}, 'What to fix'), el('ul', {}, decision.reasons.map((r) => el('li', {}, el('code', {}, r.code), ' ', r.message))));
  }
  const checks = Array.isArray(decision.checks) ? decision.checks : [];
  section.append(
    el(
      'table',
      {},
      el('caption', { class: 'visually-hidden' }, 'Every rule evaluated'),
      el('thead', {}, el('tr', {}, ['Rule', 'Result', 'Why'].map((h) => el('th', { scope: 'col' }, h)))),
      el(
        'tbody',
        {},
        checks.map((c) =>
          el('tr', { dataset: { rule: c.rule } }, el('td', {}, el('code', {}, c.rule)), el('td', {}, checkResult(c)), el('td', { class: 'wrap' }, c.message, c.requirement ? el('blockquote', {}, c.requirement) : null)),
        ),
      ),
    ),
  );
  return section;
}

/**
 * Automatic retries stop at the retry policy's few attempts, but each operator retry (or a script calling the
 * API's retry) adds one without bound: the first attempt and the newest are shown, like the timeline. `attempts`
 * is the view's `remoteList` (session.js sets its window: the first attempt and the newest 20).
 */
export function attemptsPanel(attempts) {
  const latency = (a) => (a.startedAt && a.admittedAt ? `${((Date.parse(a.admittedAt) - Date.parse(a.startedAt)) / 1000).toFixed(1)} s` : '');
  const headings = ['#', 'Why', 'Dispatched', 'Admitted', 'Join latency', 'Ended', 'End code'];
  const row = (a) =>
    el('tr', { dataset: { attempt: a.number } }, el('td', {}, String(a.number)), el('td', { class: 'wrap' }, a.reason), el('td', {}, fmtTime(a.startedAt)), el('td', {}, fmtTime(a.admittedAt)), el('td', {}, latency(a)), el('td', {}, fmtTime(a.endedAt)), el('td', {}, a.endCode ?? ''));
  const { note, body } = remoteRows(attempts, { id: 'attempts', noun: ['attempt', 'attempts'], columns: headings.length, row });
  return el(
    'section',
    { 'aria-labelledby': 'attempts-title' },
    el('h2', { id: 'attempts-title' }, 'Attempts'),
    note,
    el('table', { id: 'attempts' }, el('thead', {}, el('tr', {}, headings.map((h) => el('th', { scope: 'col' }, h)))), body),
  );
}

function eventText(event) {
  const move = event.to ? `${event.from ?? '·'} → ${event.to}` : '';
  const details = event.details ? Object.entries(event.details).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ') : '';
  return { move, details };
}

/**
 * The first events (how the session was planned and first dispatched) and the newest ones, where a live session
 * changes. `timeline` is the view's `remoteList`: it holds what was read and what the operator revealed in
 * between across the view's live re-renders, and reads the hidden events when asked.
 */
export function timelinePanel(timeline) {
  const headings = ['Time', 'Attempt', 'Change', 'Event', 'Details'];
  const row = (e) => {
    const { move, details } = eventText(e);
    return el('tr', { dataset: { code: e.code, eventId: e.id } }, el('td', {}, fmtTime(e.at)), el('td', {}, String(e.attempt)), el('td', {}, move), el('td', {}, el('code', {}, e.code)), el('td', { class: 'wrap' }, details));
  };
  const { note, body } = remoteRows(timeline, { id: 'timeline', noun: ['event', 'events'], columns: headings.length, row });
  return el(
    'section',
    { 'aria-labelledby': 'timeline-title' },
    el('h2', { id: 'timeline-title' }, 'Timeline'),
    note,
    el('table', { id: 'timeline' }, el('thead', {}, el('tr', {}, headings.map((h) => el('th', { scope: 'col' }, h)))), body),
  );
}

/** `media` keeps each artifact's figure by id across renders, so a playing recording is moved, never rebuilt. */
export function evidencePanel(sessionId, artifacts, media = new Map()) {
  const url = (a) => withToken(`/v1/sessions/${encodeURIComponent(sessionId)}/artifacts/${encodeURIComponent(a.id)}`);
  const kept = (a, make) => {
    if (!media.has(a.id)) media.set(a.id, make());
    return media.get(a.id);
  };
  const audio = artifacts.filter((a) => a.kind === 'audio');
  const shots = artifacts.filter((a) => a.kind === 'screenshot');
  const pages = artifacts.filter((a) => a.kind === 'html');
  const section = el('section', { 'aria-labelledby': 'evidence-title', class: 'evidence' }, el('h2', { id: 'evidence-title' }, 'Recording and evidence'));
  if (artifacts.length === 0) section.append(el('p', { class: 'muted' }, 'No recording or failure evidence yet.'));
  for (const a of audio) {
    const seconds = a.durationMs ? ` · ${(a.durationMs / 1000).toFixed(0)} s` : '';
    section.append(kept(a, () => el('figure', { dataset: { artifactId: a.id } }, el('audio', { controls: true, preload: 'metadata', src: url(a), 'aria-label': `Recording of attempt ${a.attempt}` }), el('figcaption', {}, `Recording, attempt ${a.attempt}${seconds}`))));
  }
  for (const a of shots) {
    section.append(kept(a, () => el('figure', { dataset: { artifactId: a.id } }, el('img', { src: url(a), alt: `Screenshot of the provider page when attempt ${a.attempt} failed` }), el('figcaption', {}, `Screenshot at failure, attempt ${a.attempt}`))));
  }
  if (pages.length > 0) {
    section.append(el('ul', {}, pages.map((a) => el('li', {}, el('a', { href: url(a), target: '_blank', rel: 'noopener' }, `Saved page HTML, attempt ${a.attempt}`)))));
  }
  return section;
}

const choiceLabel = (choice) => String(choice ?? '').replaceAll('_', ' ');

/**
 * How many chose what, over every choice (the server's `consentChoiceCounts`): a decline hidden in the middle of
 * a long list still counts here.
 */
function choiceSummary(counts, total) {
  const parts = Object.entries(counts ?? {})
    .filter(([, n]) => n > 0)
    .map(([choice, n]) => `${n.toLocaleString()} ${choiceLabel(choice)}`);
  return `${total.toLocaleString()} ${total === 1 ? 'participant' : 'participants'} chose: ${parts.join(', ')}.`;
}

/**
 * One choice per participant: a big meeting has hundreds, shown like the timeline (first ones and newest).
 * `choices` is the view's `remoteList`, `counts` the detail's `consentChoiceCounts`. A participant's "Join" that
 * a later decline replaced may stay among the earlier choices the operator revealed until "Show fewer"; the
 * newest choices and the counts are always the server's.
 */
export function consentPanel(choices, counts) {
  if (choices.total === 0) return null;
  const headings = ['Time', 'Choice', 'Link type', 'Participant'];
  const row = (c) => el('tr', { dataset: { choiceId: c.id } }, el('td', {}, fmtTime(c.at)), el('td', {}, choiceLabel(c.choice)), el('td', {}, c.linkType ?? ''), el('td', {}, el('code', {}, String(c.participant ?? '').slice(0, 12))));
  const { note, body } = remoteRows(choices, { id: 'consent-choices', noun: ['choice', 'choices'], columns: headings.length, row });
  return el(
    'section',
    { 'aria-labelledby': 'consent-title' },
    el('h2', { id: 'consent-title' }, 'Consent choices'),
    el('p', { id: 'consent-summary' }, choiceSummary(counts, choices.total)),
    note,
    el('table', { id: 'consent-choices' }, el('thead', {}, el('tr', {}, headings.map((h) => el('th', { scope: 'col' }, h)))), body),
  );
}
