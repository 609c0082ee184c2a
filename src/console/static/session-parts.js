// The read-only panels of the Session view, each built from the GET /v1/sessions/:id answer.
import { el, fmtTime, stateBadge, withToken } from './lib.js';

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
          el('tr', { dataset: { rule: c.rule } }, el('td', {}, el('code', {}, c.rule)), el('td', {}, checkResult(c)), el('td', { class: 'wrap' }, c.message, c.sentence ? el('blockquote', {}, c.sentence) : null)),
        ),
      ),
    ),
  );
  return section;
}

export function attemptsPanel(attempts) {
  const latency = (a) => (a.startedAt && a.admittedAt ? `${((Date.parse(a.admittedAt) - Date.parse(a.startedAt)) / 1000).toFixed(1)} s` : '');
  return el(
    'section',
    { 'aria-labelledby': 'attempts-title' },
    el('h2', { id: 'attempts-title' }, 'Attempts'),
    el(
      'table',
      { id: 'attempts' },
      el('thead', {}, el('tr', {}, ['#', 'Why', 'Dispatched', 'Admitted', 'Join latency', 'Ended', 'End code'].map((h) => el('th', { scope: 'col' }, h)))),
      el(
        'tbody',
        {},
        attempts.map((a) =>
          el('tr', {}, el('td', {}, String(a.number)), el('td', { class: 'wrap' }, a.reason), el('td', {}, fmtTime(a.startedAt)), el('td', {}, fmtTime(a.admittedAt)), el('td', {}, latency(a)), el('td', {}, fmtTime(a.endedAt)), el('td', {}, a.endCode ?? '')),
        ),
      ),
    ),
  );
}

function eventText(event) {
  const move = event.to ? `${event.from ?? '·'} → ${event.to}` : '';
  const details = event.details ? Object.entries(event.details).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ') : '';
  return { move, details };
}

export function timelinePanel(timeline) {
  return el(
    'section',
    { 'aria-labelledby': 'timeline-title' },
    el('h2', { id: 'timeline-title' }, 'Timeline'),
    el(
      'table',
      { id: 'timeline' },
      el('thead', {}, el('tr', {}, ['Time', 'Attempt', 'Change', 'Event', 'Details'].map((h) => el('th', { scope: 'col' }, h)))),
      el(
        'tbody',
        {},
        timeline.map((e) => {
          const { move, details } = eventText(e);
          return el('tr', { dataset: { code: e.code } }, el('td', {}, fmtTime(e.at)), el('td', {}, String(e.attempt)), el('td', {}, move), el('td', {}, el('code', {}, e.code)), el('td', { class: 'wrap' }, details));
        }),
      ),
    ),
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

export function consentPanel(choices) {
  if (!Array.isArray(choices) || choices.length === 0) return null;
  return el(
    'section',
    { 'aria-labelledby': 'consent-title' },
    el('h2', { id: 'consent-title' }, 'Consent choices'),
    el(
      'table',
      {},
      el('thead', {}, el('tr', {}, ['Time', 'Choice', 'Link type', 'Participant'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, choices.map((c) => el('tr', {}, el('td', {}, fmtTime(c.at)), el('td', {}, String(c.choice ?? '').replaceAll('_', ' ')), el('td', {}, c.linkType ?? ''), el('td', {}, el('code', {}, String(c.participant ?? '').slice(0, 12)))))),
    ),
  );
}
