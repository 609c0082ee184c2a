import { createHash } from 'node:crypto';
import { languages, text, type Language } from './i18n.js';

/**
 * The consent page and its error pages: server-rendered, no script, no external resource, readable on a
 * phone (one column, large targets), WCAG AA contrast, and usable with the keyboard alone (native
 * buttons and links, a visible focus ring).
 */

const style = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5}
*{box-sizing:border-box}
body{margin:0;background:#f4f5f7;color:#1b1d21;font-size:1.0625rem}
main{max-width:34rem;margin:0 auto;padding:1.5rem 1rem 2rem}
.card{background:#fff;border:1px solid #c9ccd3;border-radius:12px;padding:1.5rem}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}
.company{margin:0 0 .25rem;font-weight:600;color:#3d4250}
.notice{font-size:1.125rem;font-weight:600;margin:0 0 .5rem}
fieldset{border:0;margin:1.25rem 0 0;padding:0}
legend{font-weight:600;margin-bottom:.75rem;padding:0}
.choice{margin:0 0 1rem}
button{display:block;width:100%;min-height:3rem;padding:.75rem 1rem;border-radius:8px;font:inherit;font-weight:600;cursor:pointer}
.record{background:#0b57d0;color:#fff;border:2px solid #0b57d0}
.no-record{background:#fff;color:#0b3f99;border:2px solid #0b3f99}
.hint{margin:.35rem 0 0;font-size:.95rem;color:#3d4250}
.privacy{font-size:.9rem;color:#3d4250;margin:1.25rem 0 0}
nav{margin-top:1.25rem}
nav h2{font-size:.95rem;margin:0 0 .25rem}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
nav a{display:inline-block;padding:.5rem .25rem;color:#0b3f99}
nav a[aria-current]{color:#1b1d21;font-weight:600;text-decoration:none}
a:focus-visible,button:focus-visible{outline:3px solid #1b1d21;outline-offset:3px}
`;

const styleHash = createHash('sha256').update(style, 'utf8').digest('base64');

/** Response headers of every consent page: no script, nothing from elsewhere, no referrer carrying the token. */
export function pageHeaders(formTarget?: string): Record<string, string> {
  // Chromium applies form-action to the redirect after a form post too, so the stored link's origin is allowed.
  const formAction = formTarget === undefined ? `'self'` : `'self' ${new URL(formTarget).origin}`;
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `default-src 'none'; style-src 'sha256-${styleHash}'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  };
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function layout(lang: Language, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** Links to the page in each language; `base` is the page's own relative path. */
function languageSwitch(lang: Language, base: string): string {
  const items = languages
    .map((code) => {
      const current = code === lang ? ' aria-current="true"' : '';
      return `<li><a href="${base}?lang=${code}" hreflang="${code}" lang="${code}"${current}>${escapeHtml(text[code].name)}</a></li>`;
    })
    .join('');
  return `<nav aria-labelledby="language-heading"><h2 id="language-heading">${escapeHtml(text[lang].language)}</h2><ul>${items}</ul></nav>`;
}

export interface ConsentPageInput {
  lang: Language;
  company: string;
  /** The token, already checked against the token pattern (safe in a relative URL). */
  token: string;
  /** A message shown above the choices (e.g. a form sent without a choice). */
  alert?: string;
}

export function renderConsentPage(input: ConsentPageInput): string {
  const t = text[input.lang];
  const company = escapeHtml(input.company);
  const alert = input.alert ? `<p class="notice" role="alert">${escapeHtml(input.alert)}</p>` : '';
  const body = `<div class="card">
<p class="company">${company}</p>
<h1>${escapeHtml(t.heading)}</h1>
<p class="notice" id="notice">${escapeHtml(t.notice(input.company))}</p>
<p>${escapeHtml(t.explain)}</p>
${alert}<form method="post" action="${input.token}">
<fieldset aria-describedby="notice">
<legend>${escapeHtml(t.choices)}</legend>
<div class="choice"><button type="submit" name="choice" value="record" class="record" aria-describedby="record-hint">${escapeHtml(t.join)}</button>
<p class="hint" id="record-hint">${escapeHtml(t.joinHint)}</p></div>
<div class="choice"><button type="submit" name="choice" value="no_record" class="no-record" aria-describedby="no-record-hint">${escapeHtml(t.noRecord)}</button>
<p class="hint" id="no-record-hint">${escapeHtml(t.noRecordHint)}</p></div>
</fieldset>
</form>
<p class="privacy">${escapeHtml(t.privacy)}</p>
${languageSwitch(input.lang, input.token)}
</div>`;
  return layout(input.lang, t.title(input.company), body);
}

export function renderMessagePage(lang: Language, title: string, message: string): string {
  const body = `<div class="card"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></div>`;
  return layout(lang, title, body);
}
