/* global document */
// Session view: the meeting, its Decision, attempts, timeline, evidence and recording, consent choices, the
// live log, and the operator's Retry and Stop (each confirmed, with a reason written to the timeline).
import { api, debounce, el, liveSocket, loadMeta } from './lib.js';
import { logPanel } from './log.js';
import { attemptsPanel, consentPanel, decisionPanel, evidencePanel, meetingPanel, timelinePanel } from './session-parts.js';

const endedStates = ['done', 'failed', 'cancelled'];

/** A modal confirmation that asks why; resolves with the reason, or undefined when cancelled. */
function askReason(action, sessionLabel) {
  return new Promise((resolve) => {
    const reason = el('textarea', { id: 'action-reason', name: 'reason', required: true, maxlength: '1000' });
    const dialog = el(
      'dialog',
      { 'aria-labelledby': 'action-title', id: 'action-dialog' },
      el(
        'form',
        { method: 'dialog' },
        el('h2', { id: 'action-title' }, `${action} this session?`),
        el('p', {}, sessionLabel),
        el('label', { for: 'action-reason' }, 'Reason (written to the timeline)'),
        reason,
        el('div', { class: 'actions' }, el('button', { type: 'submit', value: 'confirm', id: 'action-confirm' }, `Confirm ${action.toLowerCase()}`), el('button', { type: 'submit', value: 'cancel', class: 'secondary', formnovalidate: true }, 'Cancel')),
      ),
    );
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'confirm' ? reason.value.trim() : undefined);
    });
    document.body.append(dialog);
    dialog.showModal();
    reason.focus();
  });
}

function actionsBar(data, onDone) {
  const { session } = data;
  const ended = endedStates.includes(session.state);
  const status = el('p', { role: 'status', id: 'action-status' });
  const run = async (action, path) => {
    const reason = await askReason(action, session.title ?? session.meetingUrl);
    if (reason === undefined) return;
    try {
      const result = await api(`/v1/sessions/${encodeURIComponent(session.id)}/${path}`, { method: 'POST', body: { reason } });
      status.textContent = `${action} accepted: the session is ${result.session.state.replaceAll('_', ' ')} (attempt ${result.session.attempt}).`;
      onDone();
    } catch (error) {
      status.textContent = `${action} refused: ${error.message}`;
    }
  };
  return el(
    'div',
    {},
    el(
      'div',
      { class: 'actions' },
      el('button', { type: 'button', id: 'retry', disabled: !ended, onclick: () => void run('Retry', 'retry') }, 'Retry'),
      el('button', { type: 'button', id: 'stop', class: 'danger', disabled: ended, onclick: () => void run('Stop', 'stop') }, 'Stop'),
    ),
    status,
  );
}

export async function sessionView(root, id) {
  const meta = await loadMeta();
  const path = `/v1/sessions/${encodeURIComponent(id)}`;
  const body = el('div');
  const log = logPanel(id);
  let lastStatus = '';
  const render = async () => {
    const data = await api(path);
    const statusText = document.getElementById('action-status')?.textContent ?? lastStatus;
    lastStatus = statusText;
    const actions = actionsBar(data, () => refresh());
    actions.querySelector('#action-status').textContent = statusText;
    const panels = [
      el('h1', {}, data.session.title ?? 'Session', el('span', { class: 'muted' }, ` · ${data.session.id}`)),
      actions,
      meetingPanel(data.session, meta),
      decisionPanel(data.session.decision),
      attemptsPanel(data.attempts),
      evidencePanel(id, data.artifacts),
      consentPanel(data.consentChoices),
      timelinePanel(data.timeline),
    ];
    body.replaceChildren(...panels.filter(Boolean));
  };
  const refresh = debounce(() => void render().catch(() => undefined), 250);
  await render();
  root.append(el('p', {}, el('a', { href: '#/sessions' }, '← All sessions')), body, log.section);
  const live = liveSocket('/v1/sessions/live', (change) => {
    if (change.session.id === id) refresh();
  });
  return {
    dispose: () => {
      live.close();
      log.dispose();
    },
  };
}
