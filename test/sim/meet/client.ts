/**
 * The Meet web client's script, served to the bot's page as a static file. It renders each view the
 * simulator's server pushes and answers participants' WebRTC offers like Meet's own client: audio plays
 * through a hidden <audio> element per remote stream, nothing depends on the bot.
 */
export const meetClientJs = String.raw`'use strict';
(function () {
  var app = document.getElementById('app');
  var code = document.body.dataset.meetingCode;
  var media = { microphone: true, camera: true };
  var ws = null;
  var view = 'prejoin';
  var selfId = null;
  var roster = [];
  var dialogs = [];
  var mediaReadySent = false;
  var peers = {};

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'onclick') el.addEventListener('click', attrs[k]);
      else el.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { el.append(typeof c === 'string' ? document.createTextNode(c) : c); });
    return el;
  }
  var typographic = document.body.dataset.apostrophes === 'typographic';
  function copyText(text) { return typographic ? text.replace(/'/g, '’') : text; }
  function labelled(text) { return [h('span', {}, [text])]; }
  function home() { location.href = '/'; }
  function send(msg) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(msg)); }

  function toggleLabel(kind) { return (media[kind] ? 'Turn off ' : 'Turn on ') + kind; }
  function toggle(kind) {
    return h('div', { role: 'button', tabindex: '0', 'data-toggle': kind, 'aria-label': toggleLabel(kind) }, []);
  }
  document.addEventListener('click', function (e) {
    var t = e.target.closest && e.target.closest('[data-toggle]');
    if (!t) return;
    var kind = t.getAttribute('data-toggle');
    media[kind] = !media[kind];
    document.querySelectorAll('[data-toggle="' + kind + '"]').forEach(function (el) {
      el.setAttribute('aria-label', toggleLabel(kind));
    });
  });

  function setupPrejoin() {
    var input = document.querySelector('input[aria-label="Your name"]');
    var join = document.getElementById('join-button');
    var cont = document.querySelector('[data-action="continue-without-devices"]');
    var homeButton = document.querySelector('[data-action="home"]');
    if (homeButton) homeButton.addEventListener('click', home);
    if (cont) cont.addEventListener('click', function () {
      media.microphone = false;
      media.camera = false;
      document.querySelectorAll('[data-toggle]').forEach(function (el) {
        el.setAttribute('aria-label', toggleLabel(el.getAttribute('data-toggle')));
      });
      document.getElementById('device-dialog').remove();
    });
    // Signed in, the page carries the account's name and has no name field.
    var accountName = document.body.dataset.accountName;
    if (!join || (!input && !accountName)) return;
    if (input) input.addEventListener('input', function () { join.disabled = input.value.trim() === ''; });
    join.addEventListener('click', function () {
      var name = input ? input.value.trim() : accountName;
      if (!name || view !== 'prejoin') return;
      view = 'joining';
      app.replaceChildren(h('div', { id: 'joining' }, ['Getting ready...']));
      connect(name);
    });
  }

  function connect(name) {
    ws = new WebSocket('wss://' + location.host + '/_sim/ws?meeting=' + encodeURIComponent(code) +
      '&role=bot&name=' + encodeURIComponent(name));
    var queue = Promise.resolve();
    ws.onmessage = function (event) {
      var msg = JSON.parse(event.data);
      // Signaling applies in order: a candidate before its offer is rejected.
      queue = queue.then(function () { return onMessage(msg); })
        .catch(function (err) { console.error('meet client', String(err)); });
    };
  }

  function onMessage(msg) {
    if (msg.t === 'view') return render(msg);
    if (msg.t === 'roster') { roster = msg.people; return renderRoster(); }
    if (msg.t === 'signal') return onSignal(msg.peer, msg.data);
    if (msg.t === 'peer_left') return dropPeer(msg.peer);
  }

  var endCopy = {
    blocked: ["You can't join this video call", 'This call is not available to you. Ask the organizer for access.'],
    full: ["You can't join this video call", 'This video call is full. Try again later or contact the call organizer.'],
    denied: ['Someone in the call denied your request to join', ''],
    no_response: ['No one responded to your request to join the call', ''],
    removed: ["You've been removed from the meeting", 'Someone in the call removed you.'],
    ended: ['The host ended the meeting for everyone', ''],
    left: ['You left the meeting', '']
  };

  function render(msg) {
    if (view === msg.view) return;
    view = msg.view;
    if (msg.view === 'lobby') return renderLobby();
    if (msg.view === 'in_meeting') {
      selfId = msg.selfId;
      dialogs = (msg.dialogs || []).slice();
      return renderMeeting();
    }
    var copy = endCopy[msg.view] || ['Call ended', ''];
    Object.keys(peers).forEach(dropPeer);
    var body = [h('h1', {}, [copyText(copy[0])])];
    if (copy[1]) body.push(h('p', {}, [copyText(copy[1])]));
    body.push(h('button', { type: 'button', onclick: home }, labelled('Return to home screen')));
    app.replaceChildren.apply(app, body);
  }

  function leaveButton() {
    return h('button', { type: 'button', 'aria-label': 'Leave call', onclick: function () {
      send({ t: 'leave' });
      render({ t: 'view', view: 'left' });
    } }, []);
  }

  // Some live builds render the call's control bar in the lobby (Meeting BaaS PR #281, #289): the same region
  // and buttons as in the call, but nothing that needs the call (no tiles, no "People - N joined" count).
  var lobbyCallControls = document.body.dataset.lobbyControls === 'call';
  function lobbyBar() {
    if (!lobbyCallControls) {
      return h('div', { class: 'lobby-controls' }, [toggle('microphone'), toggle('camera'), leaveButton()]);
    }
    return h('div', { role: 'region', 'aria-label': 'Call controls' }, [
      toggle('microphone'), toggle('camera'),
      h('button', { type: 'button', 'aria-label': 'Turn on captions' }, []),
      h('button', { type: 'button', 'aria-label': 'People' }, []),
      leaveButton()
    ]);
  }

  function renderLobby() {
    app.replaceChildren(
      h('div', { id: 'lobby' }, [
        h('div', { class: 'self-preview' }, []),
        h('h2', {}, ['Asking to be let in...']),
        h('p', {}, [copyText("You'll join the call when someone lets you in")])
      ]),
      lobbyBar()
    );
  }

  function renderMeeting() {
    var captions = h('button', { type: 'button', 'aria-label': 'Turn on captions' }, []);
    captions.addEventListener('click', function () {
      var on = captions.getAttribute('aria-label') === 'Turn on captions';
      captions.setAttribute('aria-label', on ? 'Turn off captions' : 'Turn on captions');
    });
    app.replaceChildren(
      h('div', { class: 'tiles', id: 'tiles' }, []),
      h('div', { role: 'region', 'aria-label': 'Call controls' }, [
        toggle('microphone'), toggle('camera'), captions,
        h('button', { type: 'button', 'aria-label': 'Present now' }, []),
        h('button', { type: 'button', 'aria-label': 'Chat with everyone' }, []),
        h('button', { type: 'button', id: 'people-button', 'aria-label': 'People - 1 joined' }, []),
        leaveButton()
      ])
    );
    renderRoster();
    renderDialogs();
  }

  function renderRoster() {
    var tiles = document.getElementById('tiles');
    if (view !== 'in_meeting' || !tiles) return;
    tiles.replaceChildren.apply(tiles, roster.map(function (p) {
      var attrs = { class: 'tile', 'data-participant-id': p.id };
      if (p.self) attrs['data-self-name'] = p.name;
      // Meet marks display names notranslate, so the page translator leaves them alone.
      return h('div', attrs, [h('div', { class: 'name' }, [h('span', { class: 'notranslate' }, [p.name])])]);
    }));
    var count = roster.length || 1;
    document.getElementById('people-button').setAttribute('aria-label', 'People - ' + count + ' joined');
  }

  var dialogCopy = {
    recording_notice: ['This meeting is being recorded', 'By staying in the meeting, you consent to being recorded.', 'Join now'],
    gemini_notes: ['Gemini is taking notes', 'The organizer turned on "Take notes for me" for this call.', 'Join now'],
    got_it: ['Others may see your meeting differently', 'Your view may look different to others in the call.', 'Got it']
  };

  function renderDialogs() {
    var name = dialogs[0];
    if (!name) {
      if (!mediaReadySent) { mediaReadySent = true; send({ t: 'media_ready' }); }
      return;
    }
    var copy = dialogCopy[name];
    var overlay = h('div', { class: 'overlay', 'data-dialog': name }, [
      h('div', { role: 'dialog', 'aria-modal': 'true' }, [
        h('h2', {}, [copy[0]]), h('p', {}, [copy[1]]),
        h('button', { type: 'button', onclick: function () {
          overlay.remove();
          dialogs.shift();
          renderDialogs();
        } }, labelled(copy[2]))
      ])
    ]);
    app.append(overlay);
  }

  async function onSignal(peerId, data) {
    if (view !== 'in_meeting' || !data) return;
    var peer = peers[peerId];
    if (!peer) peer = peers[peerId] = newPeer(peerId);
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
      var el = h('audio', { 'data-peer': peerId, autoplay: '' }, []);
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

  setupPrejoin();
})();
`;
