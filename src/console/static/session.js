/* global document, sessionStorage */
// Session view: the meeting, its Decision, attempts, timeline, evidence and recording, consent choices, the
// live log, and the operator's Retry, Stop and Delete recordings (each confirmed, with a reason written to the timeline).
import { Unreachable, api, askInDialog, coalesce, el, liveSocket, loadMeta } from './lib.js';
import { logPanel } from './log.js';
import { remoteList } from './long-list.js';
import { attemptsPanel, consentPanel, decisionPanel, evidencePanel, meetingPanel, timelinePanel } from './session-parts.js';

const endedStates = ['done', 'failed', 'cancelled'];

/** A modal confirmation that asks why; resolves with the reason, or undefined when cancelled. */
function askReason(action, sessionLabel, question = `${action} this session?`) {
  const reason = el('textarea', { id: 'action-reason', name: 'reason', required: true, maxlength: '1000' });
  return askInDialog({
    id: 'action',
    title: question,
    detail: sessionLabel,
    fields: [el('label', { for: 'action-reason' }, 'Reason (written to the timeline)'), reason],
    confirm: `Confirm ${action.toLowerCase()}`,
    answer: () => reason.value.trim(),
    focus: reason,
  });
}

/**
 * Retry and Stop with their result line. Built once per view and kept across the live re-renders, so a result
 * (or a failure) written after the dialog closes is the one on screen, and keyboard focus stays on the button.
 */
function actionsBar(onDone) {
  let session;
  // Focusable: the result takes the focus, so a keyboard user hears it and goes on from there.
  const status = el('p', { role: 'status', id: 'action-status', tabindex: '-1' });
  const run = async (action, path) => {
    const reason = await askReason(action, session.title ?? session.meetingUrl);
    if (reason === undefined) return;
    status.textContent = `${action}: sending…`;
    try {
      const result = await api(`/v1/sessions/${encodeURIComponent(session.id)}/${path}`, { method: 'POST', body: { reason } });
      status.textContent = `${action} accepted: the session is ${result.session.state.replaceAll('_', ' ')} (attempt ${result.session.attempt}).`;
      onDone();
    } catch (error) {
      status.textContent = error instanceof Unreachable ? `${action} not confirmed: ${error.message}. Check the session once the header says connected.` : `${action} refused: ${error.message}`;
    }
    status.focus();
  };
  // Deleting is for good: its own question, and its result says what went (the files are gone from the page too).
  const erase = async () => {
    const reason = await askReason('Delete recordings', session.title ?? session.meetingUrl, "Delete this session's recordings and evidence for good?");
    if (reason === undefined) return;
    status.textContent = 'Delete recordings: sending…';
    try {
      const result = await api(`/v1/sessions/${encodeURIComponent(session.id)}/recordings`, { method: 'DELETE', body: { reason } });
      status.textContent = `Deleted ${result.artifacts} ${result.artifacts === 1 ? 'file' : 'files'} (${result.bytes.toLocaleString()} bytes).`;
      onDone();
    } catch (error) {
      status.textContent = error instanceof Unreachable ? `Delete not confirmed: ${error.message}. Check the session once the header says connected.` : `Delete refused: ${error.message}`;
    }
    status.focus();
  };
  const retry = el('button', { type: 'button', id: 'retry', onclick: () => void run('Retry', 'retry') }, 'Retry');
  const stop = el('button', { type: 'button', id: 'stop', class: 'danger', onclick: () => void run('Stop', 'stop') }, 'Stop');
  const remove = el('button', { type: 'button', id: 'delete-recordings', class: 'danger', hidden: true, onclick: () => void erase() }, 'Delete recordings');
  return {
    node: el('div', {}, el('div', { class: 'actions' }, retry, stop, remove), status),
    update(next, artifacts = []) {
      session = next;
      const ended = endedStates.includes(next.state);
      retry.disabled = !ended;
      stop.disabled = ended;
      // Only an ended session's files may go (a bot may still be writing), and only when there are some.
      remove.hidden = !(ended && artifacts.length > 0);
    },
  };
}

export async function sessionView(root, id) {
  const meta = await loadMeta();
  const path = `/v1/sessions/${encodeURIComponent(id)}`;
  const heading = el('div');
  const body = el('div');
  const problem = el('p', { class: 'error', role: 'alert', id: 'session-error', hidden: true });
  // Recordings and screenshots already on the page stay the same nodes: a re-render must not stop playback.
  const media = new Map();
  // The long lists are windowed by the server: a refresh reads their first and newest items, the rest when asked.
  // Each keeps what was read and what the operator revealed across the live re-renders, like the media.
  const timeline = remoteList(`${path}/timeline`, (event) => event.id);
  const attempts = remoteList(`${path}/attempts`, (a) => a.number, { field: 'attempts', head: 1, tail: 20, step: 100 });
  // Keyed by the server's cursor (`<at>|<id>`, compared as strings): time order, unlike the id alone.
  const choices = remoteList(`${path}/consent-choices`, (c) => `${c.at}|${c.id}`, { field: 'consentChoices' });
  const render = async () => {
    const data = await api(`${path}?events=${timeline.size}&attempts=${attempts.size}&choices=${choices.size}`);
    await Promise.all([
      timeline.update(data.timeline, data.timelineTotal, data.timelineFirst),
      attempts.update(data.attempts, data.attemptsTotal, data.attemptsFirst),
      choices.update(data.consentChoices, data.consentChoicesTotal, data.consentChoicesFirst),
    ]);
    problem.hidden = true;
    actions.update(data.session, data.artifacts);
    heading.replaceChildren(el('h1', {}, data.session.title ?? 'Session', el('span', { class: 'muted' }, ` · ${data.session.id}`)));
    const panels = [
      meetingPanel(data.session, meta),
      decisionPanel(data.session.decision),
      attemptsPanel(attempts),
      evidencePanel(id, data.artifacts, media),
      consentPanel(choices, data.consentChoiceCounts),
      timelinePanel(timeline),
    ];
    // The panels are built anew: a control that had the focus (a "Show more") gets it back in its new copy,
    // without scrolling, so a keyboard user's place survives a live update.
    const focused = body.contains(document.activeElement) ? document.activeElement.id : '';
    body.replaceChildren(...panels.filter(Boolean));
    if (focused) document.getElementById(focused)?.focus({ preventScroll: true });
  };
  const refresh = coalesce(
    () =>
      render().catch((error) => {
        problem.textContent = `Could not refresh this session: ${error.message}. What is shown may be out of date.`;
        problem.hidden = false;
      }),
    250,
  );
  const actions = actionsBar(() => refresh());
  await render();
  // Opened once the session is known to exist: a failed view leaves no feed reconnecting behind the next one.
  const log = logPanel(id);
  const back = sessionStorage.getItem('quorum.list') ?? '#/sessions';
  root.append(el('p', {}, el('a', { href: back.startsWith('#/sessions') ? back : '#/sessions' }, '← All sessions')), heading, actions.node, problem, body, log.section);
  const live = liveSocket(
    '/v1/sessions/live',
    (change) => {
      if (change.session.id === id) refresh();
    },
    { onReconnect: refresh },
  );
  return {
    dispose: () => {
      live.close();
      log.dispose();
    },
  };
}
