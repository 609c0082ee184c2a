/* global location, URLSearchParams */
// Overview (charts), Providers (status per company: enabled, errors, warnings, bot accounts) and Companies (read-only).
import { api, el, fmtTime, loadMeta, option } from './lib.js';

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

/** The provider's bot accounts; one whose sign-in stays refused shows why, since when and the session that found it. */
function botAccounts(list) {
  if (!list) return el('span', { class: 'muted' }, '—');
  if (list.length === 0) return el('span', { class: 'muted' }, 'none');
  return el('ul', {}, list.map((account) => account.status === 'ok'
    ? el('li', { dataset: { account: account.email } }, account.email, ' ', el('span', { class: 'pass' }, 'ok'))
    : el('li', { class: 'error', dataset: { account: account.email } }, el('code', {}, account.status), ' ', account.email, `: ${account.reason} (since ${fmtTime(account.since)}, `, el('a', { href: `#/sessions/${encodeURIComponent(account.sessionId)}` }, 'session'), '). Meetings pass over it until its credentials change.')));
}

export async function providersView(root, params) {
  const companyId = params.get('companyId') ?? '';
  const [{ companies: statuses }, { companies }] = await Promise.all([
    api(`/console/api/providers${companyId ? `?${new URLSearchParams({ companyId })}` : ''}`),
    api('/console/api/companies'),
  ]);
  root.append(el('h1', {}, 'Providers'), (await companyPicker(companies, companyId, 'providers')) ?? '');
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
              el('tr', { dataset: { provider } }, el('td', {}, provider), el('td', {}, status.enabled ? el('span', { class: 'pass' }, 'on') : el('span', { class: 'muted' }, 'off')), el('td', {}, issues(status.errors, 'error')), el('td', {}, issues(status.warnings, 'warn')), el('td', {}, botAccounts(status.accounts))),
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
        el('details', {}, el('summary', {}, 'All settings (secrets hidden)'), el('pre', { class: 'json' }, JSON.stringify(s, null, 2))),
      ),
    );
  }
}
