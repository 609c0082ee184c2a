/**
 * A stand-in for Zoom's Meeting SDK for Web, component view (`ZoomMtgEmbedded`), served where the real one
 * lives (source.zoom.us). It implements the client calls Quorum's bot page makes: init, join (checked by the
 * simulated Zoom: signature, passcode, start, OBF, local-recording token, bot wall, CAPTCHA), on/off,
 * getCurrentUser, getAttendeeslist, leaveMeeting and the local-recording privilege request. It tells the bot when
 * the host takes the privilege back or gives it again (the control API's `revoke_permission`, `grant_permission`).
 * Which permission API it offers (the client's `requestLocalRecordingPrivilege`, the Web SDK's
 * `ZoomMtg.mediaCapture*`, or none) is the meeting's script, so it is set when Zoom answers the join. Media is real
 * WebRTC from the room's participants, answered like the other simulated web clients do.
 */
export function sdkStandInJs(zoomOrigin: string): string {
  return String.raw`'use strict';
(function () {
  var ORIGIN = ${JSON.stringify(zoomOrigin)};
  var BOT_WALL = 'We detected you may be a bot. Automated bots aren\'t allowed to join this meeting or webinar and must use Zoom RTMS. If this was a mistake and you are a human, sign in to join the meeting.';

  function post(path, body) {
    // text/plain keeps it a simple CORS request: no preflight.
    return fetch(ORIGIN + path, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json(); });
  }

  function createClient() {
    var handlers = {};
    var root = null;
    var ws = null;
    var meeting = null;
    var self = null;
    var hold = false;
    var roster = [];
    var hostName = null;
    var peers = {};
    var closed = false;
    var privileged = false;
    var apiError = null;
    var mtgHandlers = {};

    function emit(name, payload) { (handlers[name] || []).slice().forEach(function (fn) { try { fn(payload); } catch (e) { console.error(String(e)); } }); }
    function send(msg) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(msg)); }
    function emitMtg(name, payload) { if (!closed) (mtgHandlers[name] || []).slice().forEach(function (fn) { try { fn(payload); } catch (e) { console.error(String(e)); } }); }
    function askHost(then) {
      post('/_sim/zoom/privilege', { meetingNumber: meeting }).then(function (answer) {
        if (answer.status === 'granted') privileged = true;
        if (!closed) then(answer.status);
      }, function () { /* the meeting went away; no answer */ });
    }
    function later(fn) { setTimeout(fn, 50); }
    // A grant (join token, or the host from the participants panel) or the host taking it back, announced on
    // whichever permission API this SDK offers.
    function privilegeChange(allow) {
      privileged = allow;
      if (recordingApi === 'localRecordingPrivilege') emit('local-recording-privilege-change', { status: allow ? 'granted' : 'denied' });
      else if (recordingApi === 'mediaCapture') emitMtg('onMediaCapturePermissionChange', { allow: allow });
    }
    // The Web SDK's client-view calls (callback style), as Attendee's bot page uses them.
    var mtg = {
      inMeetingServiceListener: function (name, fn) { (mtgHandlers[name] = mtgHandlers[name] || []).push(fn); },
      mediaCapture: function (opts) {
        later(function () { if (privileged) opts.success && opts.success({}); else opts.error && opts.error({ type: 'INVALID_OPERATION', reason: 'No permission to record.' }); });
      },
      mediaCapturePermission: function (opts) {
        if (apiError) return later(function () { opts.error && opts.error({ type: 'INVALID_OPERATION', reason: apiError }); });
        askHost(function (status) { emitMtg('onMediaCapturePermissionChange', { allow: status === 'granted' }); });
        later(function () { opts.success && opts.success({}); });
      }
    };
    function offer(api, error) {
      apiError = error || null;
      if (api !== 'localRecordingPrivilege') delete client.requestLocalRecordingPrivilege;
      if (api === 'mediaCapture') window.ZoomMtg = mtg;
      return api;
    }
    var recordingApi = 'localRecordingPrivilege';

    function close(reason) {
      if (closed) return;
      closed = true;
      Object.keys(peers).forEach(dropPeer);
      emit('connection-change', { state: 'Closed', reason: reason });
    }

    function gate(kind) {
      var host = document.createElement('div');
      root.append(host);
      if (kind === 'bot_wall') {
        var shadow = host.attachShadow({ mode: 'open' });
        shadow.innerHTML = '<div role="dialog" aria-modal="true"><p>' + BOT_WALL + '</p><button>Sign in to join</button></div>';
      } else {
        host.innerHTML = '<div class="component_smart_captcha CaptchaContainer"><p>Type the characters you see</p>' +
          '<div role="img" aria-label="CAPTCHA" style="width:160px;height:48px;background:#888"></div><input type="text"></div>';
      }
    }

    var client = {
      init: function (opts) { root = opts.zoomAppRoot; return Promise.resolve(); },
      on: function (name, fn) { (handlers[name] = handlers[name] || []).push(fn); },
      off: function (name, fn) { handlers[name] = (handlers[name] || []).filter(function (h) { return h !== fn; }); },
      join: function (params) {
        closed = false;
        return post('/_sim/zoom/join', params).then(function (answer) {
          if (answer.gate) { gate(answer.gate); return new Promise(function () { /* Zoom never lets this join finish */ }); }
          if (!answer.ok) return Promise.reject({ type: 'JOIN_MEETING_FAILED', reason: answer.reason, errorCode: answer.errorCode, code: answer.errorName });
          meeting = String(params.meetingNumber);
          hostName = answer.hostName || null;
          recordingApi = offer(answer.recordingApi || 'localRecordingPrivilege', answer.recordingApiError);
          return connect(params.userName, answer.privilege === 'granted');
        });
      },
      getCurrentUser: function () { return self ? { userId: self.id, userName: self.name, isHost: false, isHold: hold } : null; },
      getAttendeeslist: function () {
        if (hold) return [];
        return roster.map(function (p) { return { userId: p.id, userName: p.name, isHost: !p.self && p.name === hostName, isHold: false }; });
      },
      requestLocalRecordingPrivilege: function () {
        if (apiError) return Promise.reject({ type: 'INVALID_OPERATION', reason: apiError });
        askHost(function (status) { emit('local-recording-privilege-change', { status: status }); });
        return Promise.resolve();
      },
      leaveMeeting: function () { send({ t: 'leave' }); close('left meeting'); return Promise.resolve(); }
    };

    function connect(name, tokenGranted) {
      return new Promise(function (resolve, reject) {
        ws = new WebSocket('wss://' + new URL(ORIGIN).host + '/_sim/ws?meeting=' + encodeURIComponent(meeting) + '&role=bot&name=' + encodeURIComponent(name));
        var first = true;
        var queue = Promise.resolve();
        ws.onmessage = function (event) {
          var msg = JSON.parse(event.data);
          queue = queue.then(function () { return onMessage(msg); }).catch(function (e) { console.error('zoom sdk', String(e)); });
        };
        ws.onclose = function () { if (first) reject({ type: 'JOIN_MEETING_FAILED', reason: 'connection closed', errorCode: 1 }); else close('connection lost'); };
        function onMessage(msg) {
          if (msg.t === 'view') {
            var view = msg.view;
            if (first) {
              first = false;
              if (view === 'blocked' || view === 'ended') return reject({ type: 'JOIN_MEETING_FAILED', reason: view === 'ended' ? 'Meeting has ended.' : 'Join failed.', errorCode: 1 });
              self = { id: 'self', name: name };
              hold = view === 'lobby';
              emit('connection-change', { state: 'Connected' });
              resolve();
            }
            if (view === 'in_meeting') {
              hold = false;
              if (msg.selfId) self = { id: msg.selfId, name: name };
              send({ t: 'media_ready' });
              if (tokenGranted) setTimeout(function () { privilegeChange(true); }, 200);
            } else if (view === 'removed') close('kicked by host');
            else if (view === 'ended') close('ended by host');
            else if (view === 'denied') close('removed from waiting room by host');
            else if (view === 'no_response') close('waiting room closed');
            return;
          }
          if (msg.t === 'roster') { roster = msg.people; return; }
          if (msg.t === 'privilege') return privilegeChange(msg.allow === true);
          if (msg.t === 'signal') return onSignal(msg.peer, msg.data);
          if (msg.t === 'peer_left') return dropPeer(msg.peer);
        }
      });
    }

    async function onSignal(peerId, data) {
      if (hold || closed || !data) return;
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
      pc.onicecandidate = function (e) { if (e.candidate) send({ t: 'signal', peer: peerId, data: { candidate: e.candidate.toJSON() } }); };
      pc.ontrack = function (e) {
        var el = document.createElement('audio');
        el.autoplay = true;
        el.style.display = 'none';
        el.srcObject = e.streams[0] || new MediaStream([e.track]);
        (root || document.body).append(el);
        el.play().catch(function () { /* the track still flows */ });
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

    return client;
  }

  var single = null;
  window.ZoomMtgEmbedded = { createClient: function () { return single || (single = createClient()); } };
})();
`;
}
