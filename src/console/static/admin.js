/* global location, URLSearchParams */
// Overview (charts), Providers (status per company: enabled, errors, warnings, bot accounts, whose marks an
// operator may clear) and Companies (read-only, with where each webhook endpoint's deliveries stand).
import { Unreachable, api, askInDialog, el, fmtTime, loadMeta, option, stateBadge } from './lib.js';

/** The company choice of the admin views; a company token sees its own company only, so it gets none. */
async function companyPicker(companies, selected, target) {
  if (!(await loadMeta()).admin) return null;
  return el(
    'form',
    { class: 'filters', onsubmit: (event) => { event.preventDefault(); const id = event.target.companyId.value; location.hash = `#/${target}${id ? `?${new URLSearchParams({ companyId: id })}` : ''}`; } },
    el('label', {}, 'Company', el('select', { name: 'companyId', id: 'company-picker' }, option('', 'all companies'), companies.map((c) => option(c.id, c.name, selected)))),
    el('button', { type: 'submit' }, 'Show'),
  );
}

/** Server-rendered SVG (escaped on the server, no scripts): the one place the console sets markup. */
function chart(svg) {
  const figure = el('figure', { class: 'chart-box' });
  figure.innerHTML = svg;
  return figure;
}

export async function overviewView(root, params) {
  const companyId = params.get('companyId') ?? '';
  const hours = params.get('hours') ?? '24';
  const query = new URLSearchParams({ hours, ...(companyId ? { companyId } : {}) });
  const [{ charts, stats }, { companies }] = await Promise.all([api(`/console/api/stats?${query}`), api('/console/api/companies')]);
  root.append(
    el('h1', {}, 'Overview'),
    (await companyPicker(companies, companyId, 'overview')) ?? '',
    el('p', { class: 'muted' }, `Since ${fmtTime(stats.since)} · ${stats.activeBots} bots running now · the same facts /metrics exports, read from the store.`),
    el('div', { class: 'charts', id: 'charts' }, chart(charts.perHour), chart(charts.latency), chart(charts.failures), chart(charts.active)),
  );
}

function issues(list, kind) {
  if (list.length === 0) return el('span', { class: 'muted' }, 'none');
  return el('ul', {}, list.map((issue) => el('li', { class: kind }, el('code', {}, issue.code), ' ', issue.message)));
}

/** A yes/no question; true only when confirmed (Cancel and Escape say no). */
async function confirmed(question, detail, action) {
  return (await askInDialog({ id: 'mark', title: question, detail, confirm: action })) === true;
}

function accountOk(account) {
  return el('li', { dataset: { account: account.email } }, account.email, ' ', el('span', { class: 'pass' }, 'ok'));
}

/**
 * "Clear" beside a marked account: after a fix at the identity provider (MFA turned off), the next meeting signs in
 * with it again. The result is said in the page's status line, which takes the focus.
 */
function clearButton(companyId, provider, account, status) {
  const clear = async (event) => {
    const item = event.target.closest('li');
    if (!(await confirmed(`Clear the mark of ${account.email}?`, `Meetings of ${companyId} on ${provider} will sign in with this account again. Do this once the account is fixed at the identity provider; a refused sign-in marks it again.`, 'Clear mark'))) return;
    status.textContent = `Clearing the mark of ${account.email}…`;
    try {
      await api(`/v1/companies/${encodeURIComponent(companyId)}/providers/${encodeURIComponent(provider)}/accounts/${encodeURIComponent(account.email)}/mark`, { method: 'DELETE' });
      item.replaceWith(accountOk(account));
      status.textContent = `Mark cleared: meetings sign in with ${account.email} again.`;
    } catch (error) {
      status.textContent = error instanceof Unreachable ? `Clear not confirmed: ${error.message}. Reload once the API answers.` : `Clear refused: ${error.message}`;
    }
    status.focus();
  };
  return el('button', { type: 'button', class: 'secondary clear-mark', onclick: (event) => void clear(event) }, 'Clear');
}

/** The provider's bot accounts; one whose sign-in stays refused shows why, since when and the session that found it. */
function botAccounts(list, companyId, provider, status) {
  if (!list) return el('span', { class: 'muted' }, '—');
  if (list.length === 0) return el('span', { class: 'muted' }, 'none');
  return el('ul', {}, list.map((account) => account.status === 'ok'
    ? accountOk(account)
    : el('li', { class: 'error', dataset: { account: account.email } }, el('code', {}, account.status), ' ', account.email, `: ${account.reason} (since ${fmtTime(account.since)}, `, el('a', { href: `#/sessions/${encodeURIComponent(account.sessionId)}` }, 'session'), '). Meetings pass over it until its credentials change or it is cleared. ', clearButton(companyId, provider, account, status))));
}

export async function providersView(root, params) {
  const companyId = params.get('companyId') ?? '';
  const [{ companies: statuses }, { companies }] = await Promise.all([
    api(`/console/api/providers${companyId ? `?${new URLSearchParams({ companyId })}` : ''}`),
    api('/console/api/companies'),
  ]);
  // Focusable: a Clear's result takes the focus, so a keyboard user hears it.
  const markStatus = el('p', { role: 'status', id: 'mark-status', tabindex: '-1' });
  root.append(el('h1', {}, 'Providers'), (await companyPicker(companies, companyId, 'providers')) ?? '', markStatus);
  for (const company of statuses) {
    const section = el('section', { 'aria-labelledby': `prov-${company.companyId}`, dataset: { companyId: company.companyId } }, el('h2', { id: `prov-${company.companyId}` }, `${company.name} (${company.companyId})`));
    if (!company.providers) {
      section.append(el('p', { class: 'error' }, 'The provider settings do not validate: ', company.invalid.join('; ')));
    } else {
      section.append(
        el(
          'table',
          { class: 'providers' },
          el('thead', {}, el('tr', {}, ['Provider', 'Enabled', 'Errors', 'Warnings', 'Bot accounts'].map((h) => el('th', { scope: 'col' }, h)))),
          el(
            'tbody',
            {},
            Object.entries(company.providers).map(([provider, status]) =>
              el('tr', { dataset: { provider } }, el('td', {}, provider), el('td', {}, status.enabled ? el('span', { class: 'pass' }, 'on') : el('span', { class: 'muted' }, 'off')), el('td', {}, issues(status.errors, 'error')), el('td', {}, issues(status.warnings, 'warn')), el('td', {}, botAccounts(status.accounts, company.companyId, provider, markStatus))),
            ),
          ),
        ),
      );
    }
    root.append(section);
  }
}

function usersTable(users) {
  const rows = Object.values(users ?? {});
  if (rows.length === 0) return el('p', { class: 'muted' }, 'No users.');
  return el(
    'table',
    {},
    el('thead', {}, el('tr', {}, ['E-mail', 'Seat', 'Permission profile', 'Consent profile', 'Recordable'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows.map((u) => el('tr', {}, el('td', {}, u.email), el('td', {}, u.seat ? 'yes' : 'no'), el('td', {}, u.permissionProfile ?? ''), el('td', {}, u.consentProfile ?? ''), el('td', {}, u.recordable ? 'yes' : 'no')))),
  );
}

function profilesList(title, profiles, describe) {
  const entries = Object.entries(profiles ?? {});
  return [el('h3', {}, title), entries.length === 0 ? el('p', { class: 'muted' }, 'none') : el('ul', {}, entries.map(([key, p]) => el('li', {}, el('code', {}, key), ` ${p.name ?? ''}: ${describe(p)}`)))];
}

/** A time, or a muted dash when there is none (never delivered, not failing). */
function timeOrDash(iso) {
  return iso ? fmtTime(iso) : el('span', { class: 'muted' }, '—');
}

/** Where deliveries to each of the company's webhook endpoints stand (GET /v1/companies/:id/webhooks, never a secret). */
function webhooksTable(company) {
  const endpoints = company.webhooks ?? [];
  if (endpoints.length === 0) return el('p', { class: 'muted webhooks-none' }, 'No webhooks.');
  return el(
    'table',
    { class: 'webhooks' },
    el('caption', { class: 'visually-hidden' }, `Webhook endpoints of ${company.name} and their deliveries`),
    el('thead', {}, el('tr', {}, ['URL', 'Events', 'Status', 'Last success', 'Last failure', 'Next try'].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      endpoints.map((endpoint) => {
        const failure = endpoint.lastFailure;
        const inARow = endpoint.consecutiveFailures > 0 ? ` ${endpoint.consecutiveFailures} in a row` : '';
        return el(
          'tr',
          { dataset: { url: endpoint.url, status: endpoint.status } },
          el('td', { class: 'wrap' }, el('code', {}, endpoint.url)),
          el('td', {}, endpoint.events.join(', ')),
          el('td', {}, stateBadge(endpoint.status), inARow),
          el('td', {}, timeOrDash(endpoint.lastSuccessAt)),
          el('td', { class: 'wrap' }, failure ? [fmtTime(failure.at), ': ', el('span', { class: 'error' }, failure.error)] : el('span', { class: 'muted' }, '—')),
          el('td', {}, timeOrDash(endpoint.nextAttemptAt)),
        );
      }),
    ),
  );
}

export async function companiesView(root, params) {
  const companyId = params.get('companyId') ?? '';
  const { companies } = await api(`/console/api/companies${companyId ? `?${new URLSearchParams({ companyId })}` : ''}`);
  root.append(el('h1', {}, 'Companies'), el('p', { class: 'muted' }, 'Read-only; change settings through PUT /v1/companies/:id. Secrets are never shown.'));
  for (const company of companies) {
    const s = company.settings ?? {};
    root.append(
      el(
        'section',
        { 'aria-labelledby': `co-${company.id}`, dataset: { companyId: company.id } },
        el('h2', { id: `co-${company.id}` }, `${company.name} (${company.id})`),
        el('dl', { class: 'facts' }, el('dt', {}, 'Assistant address'), el('dd', {}, company.assistantAddress), el('dt', {}, 'Bot name'), el('dd', {}, s.botName ?? ''), el('dt', {}, 'E-mail domains'), el('dd', {}, (s.emailDomains ?? []).join(', '))),
        el('h3', {}, 'Users'),
        usersTable(s.users),
        profilesList('Permission profiles', s.permissionProfiles, (p) => (p.manualScheduleAndUpload ? 'may manually schedule & upload' : 'may not manually schedule & upload')),
        profilesList('Consent profiles', s.consentProfiles, (p) => `${p.enforceConsent ? 'enforces consent' : 'consent not enforced'}; links ${JSON.stringify(p.linkTypes ?? {})}`),
        el('h3', {}, 'Webhooks'),
        webhooksTable(company),
        el('details', {}, el('summary', {}, 'All settings (secrets hidden)'), el('pre', { class: 'json' }, JSON.stringify(s, null, 2))),
      ),
    );
  }
}
