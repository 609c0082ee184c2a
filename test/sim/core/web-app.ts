/**
 * A provider-neutral meeting web client for the simulator, used by providers whose pages differ only in
 * copy and markup (Teams, Webex). The provider renders every view as HTML; this script wires the pre-join
 * form, switches views pushed by the room, keeps the roster and answers participants' WebRTC offers the
 * way the Meet client does. Markup hooks are `data-sim-*` attributes, never provider selectors.
 */

export type WebAppView = 'lobby' | 'in_meeting' | 'denied' | 'blocked' | 'full' | 'no_response' | 'removed' | 'ended' | 'left';

export interface WebAppCopy {
  /** HTML of each view the room can push; roster items go into `[data-sim-roster]`. */
  views: Record<WebAppView, string>;
  /** `{n}` is replaced by the number of people in the call, the bot included. */
  countTemplate: string;
  /** Markup attribute of each roster item naming it, e.g. `data-tid="participantsInCall-{id}"`. */
  rosterItemAttribute: string;
  /** Each roster item shows its name in a `<span title="name">` (Teams) rather than as bare text. */
  rosterNameTitle?: boolean;
  /**
   * HTML of a side panel holding `[data-sim-roster]`, put into the in-meeting view's `[data-sim-panel]` only while
   * open: a click on `[data-sim-action="roster"]` opens or closes it, as the real People/Participants panels do
   * (peer-bots.md §6.2 "People → tree"). Absent: the roster is part of the in-meeting view itself.
   */
  rosterPanel?: string;
}

export function webAppPage(options: {
  title: string;
  style: string;
  body: string;
  copy?: WebAppCopy;
  dataset?: Record<string, string>;
}): string {
  const attrs = Object.entries(options.dataset ?? {})
    .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`)
    .join('');
  const copy = options.copy
    ? `<script type="application/json" id="sim-copy">${JSON.stringify(options.copy).replace(/</g, '\\u003c')}</script>
<script src="/_sim/web-app.js"></script>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(options.title)}</title><style>${options.style}</style></head>
<body${attrs}><main id="app">${options.body}</main>${copy}</body></html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const webAppClientJs = String.raw`'use strict';
(function () {
  var app = document.getElementById('app');
  var copy = JSON.parse(document.getElementById('sim-copy').textContent);
  var code = document.body.dataset.meetingCode;
  var account = document.body.dataset.account || '';
  var ws = null;
  var view = 'prejoin';
  var roster = [];
  var peers = {};
  var mediaReadySent = false;

  function send(msg) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(msg)); }
  function field(sel) { return document.querySelector(sel); }
  function setSwitch(el, on) {
    el.setAttribute('aria-checked', on ? 'true' : 'false');
    var label = on ? el.dataset.labelOn : el.dataset.labelOff;
    if (label) { el.setAttribute('aria-label', label); el.setAttribute('title', label); }
  }
  function joinReady() {
    var name = field('[data-sim-name]');
    var email = field('[data-sim-email]');
    var ok = account !== '' || (name && name.value.trim() !== '' && (!email || /@/.test(email.value)));
    document.querySelectorAll('[data-sim-action="join"]').forEach(function (b) { b.disabled = !ok; });
  }
  document.addEventListener('input', joinReady);
  document.addEventListener('click', function (e) {
    var t = e.target.closest && e.target.closest('[data-sim-action]');
    if (!t || t.disabled) return;
    var action = t.getAttribute('data-sim-action');
    if (action === 'toggle') setSwitch(t, t.getAttribute('aria-checked') !== 'true');
    else if (action === 'media-off') {
      document.querySelectorAll('[data-sim-action="toggle"]').forEach(function (el) { setSwitch(el, false); });
      var overlay = t.closest('[data-sim-overlay]');
      if (overlay) overlay.remove();
    } else if (action === 'join') join();
    else if (action === 'leave') { send({ t: 'leave' }); render({ view: 'left' }); }
    else if (action === 'home') location.href = '/';
    else if (action === 'roster') toggleRosterPanel(t);
  });

  function toggleRosterPanel(button) {
    var host = document.querySelector('[data-sim-panel]');
    if (view !== 'in_meeting' || !host || !copy.rosterPanel) return;
    var open = host.childElementCount === 0;
    host.innerHTML = open ? copy.rosterPanel : '';
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
    renderRoster();
  }

  function join() {
    if (view !== 'prejoin') return;
    var nameField = field('[data-sim-name]');
    var name = account || (nameField ? nameField.value.trim() : '');
    if (!name) return;
    view = 'joining';
    app.innerHTML = '<div data-sim-joining>Connecting...</div>';
    ws = new WebSocket('wss://' + location.host + '/_sim/ws?meeting=' + encodeURIComponent(code) +
      '&role=bot&name=' + encodeURIComponent(name));
    var queue = Promise.resolve();
    ws.onmessage = function (event) {
      var msg = JSON.parse(event.data);
      queue = queue.then(function () { return onMessage(msg); })
        .catch(function (err) { console.error('web app client', String(err)); });
    };
  }

  function onMessage(msg) {
    if (msg.t === 'view') return render(msg);
    if (msg.t === 'roster') { roster = msg.people; return renderRoster(); }
    if (msg.t === 'signal') return onSignal(msg.peer, msg.data);
    if (msg.t === 'peer_left') return dropPeer(msg.peer);
  }

  function render(msg) {
    if (view === msg.view) return;
    view = msg.view;
    if (view !== 'in_meeting') Object.keys(peers).forEach(dropPeer);
    app.innerHTML = copy.views[view] || copy.views.ended;
    if (view === 'in_meeting') {
      renderRoster();
      if (!mediaReadySent) { mediaReadySent = true; send({ t: 'media_ready' }); }
    }
  }

  function renderRoster() {
    var list = document.querySelector('[data-sim-roster]');
    if (view !== 'in_meeting') return;
    // A closed roster panel has no list, but the People button's count still changes.
    if (list) list.replaceChildren.apply(list, roster.map(function (p) {
      var item = document.createElement('div');
      item.setAttribute('role', 'treeitem');
      var attr = copy.rosterItemAttribute.split('=');
      item.setAttribute(attr[0], attr[1].replace(/"/g, '').replace('{id}', p.id));
      item.setAttribute('aria-label', p.name);
      if (p.self) item.setAttribute('data-self', 'true');
      if (copy.rosterNameTitle) {
        var span = document.createElement('span');
        span.setAttribute('title', p.name);
        span.textContent = p.name;
        item.append(span);
      } else {
        item.textContent = p.name;
      }
      return item;
    }));
    var n = String(roster.length || 1);
    document.querySelectorAll('[data-sim-count]').forEach(function (el) {
      var text = copy.countTemplate.replace('{n}', n);
      if (el.hasAttribute('aria-label')) el.setAttribute('aria-label', text);
      else el.textContent = text;
    });
  }

  async function onSignal(peerId, data) {
    if (view !== 'in_meeting' || !data) return;
    var peer = peers[peerId] || (peers[peerId] = newPeer(peerId));
    if (data.sdp) {
      await peer.pc.setRemoteDescription(data.sdp);
      if (data.sdp.type === 'offer') {
        await peer.pc.setLocalDescription(await peer.pc.createAnswer());
        send({ t: 'signal', peer: peerId, data: { sdp: peer.pc.localDescription.toJSON() } });
      }
    } else if (data.candidate) {
      await peer.pc.addIceCandidate(data.candidate);
    }
  }

  function newPeer(peerId) {
    var pc = new RTCPeerConnection({ iceServers: [] });
    var peer = { pc: pc, audio: [], reported: false, hasTrack: false };
    function report() {
      if (peer.reported || !peer.hasTrack || pc.connectionState !== 'connected') return;
      peer.reported = true;
      send({ t: 'audio', peer: peerId });
    }
    pc.onicecandidate = function (e) {
      if (e.candidate) send({ t: 'signal', peer: peerId, data: { candidate: e.candidate.toJSON() } });
    };
    pc.ontrack = function (e) {
      var el = document.createElement('audio');
      el.autoplay = true;
      el.style.display = 'none';
      el.srcObject = e.streams[0] || new MediaStream([e.track]);
      document.body.append(el);
      el.play().catch(function () { /* autoplay may be refused; the track still flows */ });
      peer.audio.push(el);
      peer.hasTrack = true;
      report();
    };
    pc.onconnectionstatechange = report;
    return peer;
  }

  function dropPeer(peerId) {
    var peer = peers[peerId];
    if (!peer) return;
    delete peers[peerId];
    peer.audio.forEach(function (el) { el.remove(); });
    peer.pc.close();
  }

  joinReady();
})();
`;
