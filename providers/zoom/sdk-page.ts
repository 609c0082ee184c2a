import type { Page } from 'playwright-core';
import { captureGlobal } from '../browser/capture-script.js';
import { botPageOrigin, captchaSelectors, sdkApi, sdkScriptUrl } from './selectors.js';

/** What the bot page passes to the SDK's `client.join()`; built per join attempt (OBF tokens are single-use). */
export interface SdkJoinConfig {
  sdkKey: string;
  signature: string;
  meetingNumber: string;
  password: string;
  userName: string;
  obfToken?: string;
  recordingToken?: string;
  tk?: string;
}

export type PrivilegeState = 'none' | 'requested' | 'granted' | 'denied' | 'timeout' | 'error';

/** The bot page's reading of the SDK client, refreshed on every `state()` call. */
export interface SdkState {
  phase: 'loading' | 'joining' | 'joined' | 'failed';
  /** `code` is the SDK's numeric error code; `name` a string one (e.g. `MEETING_FAIL_…`) when the SDK gives one. */
  error: { code?: number; name?: string; reason?: string } | null;
  /** The reason of `connection-change: Closed`, once the SDK closed the meeting. */
  closed: string | null;
  /** In the waiting room (the SDK's `isHold` of the current user). */
  hold: boolean;
  attendees: Array<{ id: string; name: string; host: boolean; self: boolean }>;
  /** Every other attendee's name seen since the bot joined, in order of first sight. */
  seen: string[];
  privilege: PrivilegeState;
  /** Why the SDK could not ask for recording privilege (`privilege: 'error'`): its own error text. */
  privilegeError: string | null;
  /**
   * Epoch ms (the page's clock) when the host took back the privilege it had given; the page stopped its
   * recorders in that same event. null: never withdrawn. A later grant does not clear it.
   */
  withdrawnAt: number | null;
  /** Lower-cased text of the SDK's UI, open shadow roots included (bot wall, CAPTCHA). */
  text: string;
  captcha: boolean;
}

const bootstrap = String.raw`'use strict';
(function () {
  var API = __API__;
  var CAPTCHA = __CAPTCHA__;
  var CAPTURE = __CAPTURE__;
  var root = document.getElementById('zmmtg-root');
  var client = null;
  var inited = false;
  var MC = API.mediaCapture;
  var S = { phase: 'loading', error: null, closed: null, hold: false, attendees: [], seen: [], privilege: 'none', privilegeError: null, withdrawnAt: null };
  var listening = false;
  var hadPrivilege = false;

  function deepText(node) {
    var out = '';
    node.childNodes.forEach(function (child) {
      if (child.nodeType === 3) out += child.textContent + ' ';
      else if (child.nodeType === 1) out += deepText(child);
    });
    if (node.shadowRoot) out += deepText(node.shadowRoot);
    return out;
  }
  function deepQuery(node, sel) {
    if (node.querySelector && node.querySelector(sel)) return true;
    var all = node.querySelectorAll ? node.querySelectorAll('*') : [];
    for (var i = 0; i < all.length; i++) if (all[i].shadowRoot && deepQuery(all[i].shadowRoot, sel)) return true;
    return false;
  }
  function refresh() {
    if (!client || S.phase !== 'joined') return;
    try {
      var me = client.getCurrentUser() || {};
      S.hold = me.isHold === true;
      S.attendees = (client.getAttendeeslist() || []).map(function (a) {
        return { id: String(a.userId), name: String(a.userName || ''), host: a.isHost === true, self: a.userId === me.userId };
      });
      S.attendees.forEach(function (a) { if (!a.self && S.seen.indexOf(a.name) < 0 && S.seen.length < 200) S.seen.push(a.name); });
    } catch (e) { /* the SDK may be tearing down; the last reading stands */ }
  }
  function describe(e) {
    if (e === undefined || e === null) return 'no detail';
    if (typeof e === 'string') return e;
    var text = e.reason || e.errorMessage || e.message || e.type;
    var code = e.errorCode !== undefined ? e.errorCode : e.code;
    return String(text || JSON.stringify(e)) + (code !== undefined && String(text || '').indexOf(String(code)) < 0 ? ' (' + code + ')' : '');
  }
  function documented() {
    var mtg = window[MC.global];
    return mtg && typeof mtg[MC.capture] === 'function' && typeof mtg[MC.request] === 'function' ? mtg : null;
  }
  // Every answer and change of mind of the host goes through here. Permission taken back after it was given
  // stops the page's recorders in this same event handler: nothing heard after it reaches the file, however
  // long the adapter takes to notice and leave. Sticky: a grant after that does not restart anything.
  function privilegeChanged(status) {
    S.privilege = status;
    if (status === 'granted') { hadPrivilege = true; return; }
    if (!hadPrivilege || S.withdrawnAt !== null) return;
    S.withdrawnAt = Date.now();
    var capture = window[CAPTURE];
    if (capture && typeof capture.halt === 'function') capture.halt();
  }
  // Subscribed once the SDK is there: a join token's grant may arrive before the bot asks anyone.
  function listenDocumented() {
    var mtg = documented();
    if (listening || !mtg || typeof mtg[MC.listen] !== 'function') return;
    listening = true;
    mtg[MC.listen](MC.event, function (p) {
      if (!p || typeof p.allow !== 'boolean') return;
      privilegeChanged(p.allow ? 'granted' : 'denied');
      // As Attendee does: start the capture the host allowed, so Zoom shows the bot as recording.
      if (p.allow && S.withdrawnAt === null) try { mtg[MC.capture](Object.assign({}, MC.captureArgs, { success: function () {}, error: function () {} })); } catch (e) { /* shown or not, the bot may record */ }
    });
  }
  async function setup() {
    client = window.ZoomMtgEmbedded.createClient();
    await client.init({ zoomAppRoot: root, language: 'en-US', patchJsMedia: true, leaveOnPageUnload: true });
    client.on(API.events.connection, function (p) {
      if (!p) return;
      if (p.state === API.states.closed) S.closed = String(p.reason || 'closed');
      else if (p.state === API.states.failed) { S.phase = 'failed'; S.error = { code: p.errorCode, reason: String(p.reason || 'failed') }; }
    });
    client.on(API.events.recordingPrivilege, function (p) { if (p && p.status) privilegeChanged(String(p.status)); });
    inited = true;
  }
  window.__quorumZoom = {
    join: async function (cfg) {
      S.error = null; S.closed = null;
      if (!window.ZoomMtgEmbedded) { S.phase = 'failed'; S.error = { reason: 'sdk_unavailable' }; return; }
      S.phase = 'joining';
      try {
        if (!inited) await setup();
        await client.join(cfg);
        S.phase = 'joined';
        listenDocumented();
      } catch (e) {
        S.phase = 'failed';
        var named = [e && e.code, e && e.errorCode].filter(function (v) { return typeof v === 'string'; })[0];
        S.error = { code: e && typeof e.errorCode === 'number' ? e.errorCode : undefined, name: named, reason: String((e && (e.reason || e.type || e.message)) || e) };
      }
    },
    state: function () {
      refresh();
      var copy = JSON.parse(JSON.stringify(S));
      copy.text = deepText(root).replace(/\s+/g, ' ').toLowerCase();
      copy.captcha = CAPTCHA.some(function (sel) { return deepQuery(root, sel); });
      return copy;
    },
    requestPrivilege: function () {
      S.privilege = 'requested';
      S.privilegeError = null;
      var errors = [];
      function failed(what, e) {
        errors.push(what + ': ' + describe(e));
        S.privilege = 'error';
        S.privilegeError = errors.join('; ');
      }
      // The names the reference marks unverified, used when the documented calls are missing or fail.
      function fallback() {
        var name = API.methods.requestRecordingPrivilege;
        if (!client || typeof client[name] !== 'function') return failed('client.' + name, 'not offered by this SDK');
        Promise.resolve().then(function () { return client[name](); }).catch(function (e) { failed('client.' + name, e); });
      }
      var mtg = documented();
      if (!mtg) { errors.push(MC.global + '.' + MC.request + ': not offered by this SDK'); return fallback(); }
      listenDocumented();
      function ask() {
        try {
          mtg[MC.request](Object.assign({}, MC.requestArgs, { success: function () {}, error: function (e) { errors.push(MC.global + '.' + MC.request + ': ' + describe(e)); fallback(); } }));
        } catch (e) { errors.push(MC.global + '.' + MC.request + ': ' + describe(e)); fallback(); }
      }
      // Capture first: it succeeds when the bot may record already; its failure is the cue to ask the host.
      try {
        mtg[MC.capture](Object.assign({}, MC.captureArgs, { success: function () { privilegeChanged('granted'); }, error: ask }));
      } catch (e) { ask(); }
    },
    leave: async function () { if (client && S.phase === 'joined') await client.leaveMeeting(); }
  };
})();`;

/** Quorum's bot page: the SDK from Zoom's CDN and the small bridge the adapter drives. */
export function botPageHtml(scriptUrl = sdkScriptUrl()): string {
  const script = bootstrap
    .replace('__API__', JSON.stringify(sdkApi))
    .replace('__CAPTCHA__', JSON.stringify(captchaSelectors))
    .replace('__CAPTURE__', JSON.stringify(captureGlobal));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Zoom meeting</title>
<script src="${scriptUrl}"></script></head>
<body><div id="zmmtg-root"></div><script>${script}</script></body></html>`;
}

export const botPageUrl = `${botPageOrigin}/join`;

/**
 * Serves the bot page at a fixed https origin to this page only (`page.route`): no listener, no secret served
 * over the network, and it works whether or not Quorum's HTTP API is reachable from the browser.
 */
export async function installBotPage(page: Page, scriptUrl = sdkScriptUrl()): Promise<void> {
  const html = botPageHtml(scriptUrl);
  await page.route(`${botPageOrigin}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
}

export function startJoin(page: Page, config: SdkJoinConfig): Promise<void> {
  // Not awaited by the caller's wait loop: join() settles whenever the SDK does; the state says how.
  return page.evaluate((cfg) => {
    void (window as unknown as { __quorumZoom: { join(c: unknown): Promise<void> } }).__quorumZoom.join(cfg);
  }, config);
}

export function readState(page: Page): Promise<SdkState> {
  return page.evaluate(() => (window as unknown as { __quorumZoom: { state(): SdkState } }).__quorumZoom.state());
}

export function requestPrivilege(page: Page): Promise<void> {
  return page.evaluate(() => (window as unknown as { __quorumZoom: { requestPrivilege(): void } }).__quorumZoom.requestPrivilege());
}

export async function leaveMeeting(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as { __quorumZoom: { leave(): Promise<void> } }).__quorumZoom.leave()).catch(() => undefined);
}
