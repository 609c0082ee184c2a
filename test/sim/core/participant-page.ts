/**
 * The page a simulated participant runs in the simulator's own Chromium: generated speech-like audio sent
 * to the bot over WebRTC, signaled through the simulator's socket. Plain browser JS, served as a file.
 */
export const participantHtml = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Participant</title></head>
<body><p id="status">starting</p><script src="/_sim/participant.js"></script></body></html>`;

export const participantJs = String.raw`'use strict';
(function () {
  var params = new URLSearchParams(location.search);
  var name = params.get('name') || 'Participant';
  var status = document.getElementById('status');
  var seed = 0;
  for (var i = 0; i < name.length; i++) seed = (seed * 31 + name.charCodeAt(i)) >>> 0;
  function rand() {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 4294967296;
  }

  var ctx = new AudioContext();
  var dest = ctx.createMediaStreamDestination();
  var voice = ctx.createOscillator();
  voice.type = 'sawtooth';
  var formant = ctx.createBiquadFilter();
  formant.type = 'bandpass';
  formant.Q.value = 1.2;
  formant.frequency.value = 900;
  var envelope = ctx.createGain();
  envelope.gain.value = 0;
  voice.connect(formant).connect(envelope).connect(dest);
  voice.start();
  var basePitch = 110 + rand() * 110;
  var cursor = ctx.currentTime + 0.05;

  // Bursts of 1-2 s of syllables with pauses under half a second, scheduled ahead on the audio clock
  // so page timer throttling cannot open a silent gap.
  function schedule() {
    if (cursor < ctx.currentTime) cursor = ctx.currentTime + 0.02;
    while (cursor < ctx.currentTime + 3) {
      var burst = 1 + rand();
      for (var t = 0; t < burst; t += 0.18) {
        voice.frequency.setTargetAtTime(basePitch * (0.8 + rand() * 0.5), cursor + t, 0.04);
        formant.frequency.setTargetAtTime(500 + rand() * 1500, cursor + t, 0.05);
        envelope.gain.setTargetAtTime(0.35 + rand() * 0.45, cursor + t, 0.03);
      }
      envelope.gain.setTargetAtTime(0, cursor + burst, 0.04);
      cursor += burst + 0.15 + rand() * 0.3;
    }
  }
  // An open microphone nobody speaks into: the call and its packets are there, carrying silence.
  if (params.get('silent') !== '1') {
    schedule();
    setInterval(schedule, 500);
  }
  void ctx.resume();

  var scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  var ws = new WebSocket(scheme + '//' + location.host + '/_sim/ws?meeting=' + encodeURIComponent(params.get('meeting') || '') +
    '&role=participant&name=' + encodeURIComponent(name));
  var pc = null;
  var queue = Promise.resolve();
  function send(msg) { if (ws.readyState === 1) ws.send(JSON.stringify(msg)); }

  async function call() {
    if (pc) pc.close();
    pc = new RTCPeerConnection({ iceServers: [] });
    var track = dest.stream.getAudioTracks()[0];
    pc.addTrack(track, dest.stream);
    pc.onicecandidate = function (e) { if (e.candidate) send({ t: 'signal', data: { candidate: e.candidate.toJSON() } }); };
    pc.onconnectionstatechange = function () { status.textContent = 'pc ' + pc.connectionState; };
    await pc.setLocalDescription(await pc.createOffer());
    send({ t: 'signal', data: { sdp: pc.localDescription.toJSON() } });
    status.textContent = 'offered';
  }

  async function onSignal(data) {
    if (!pc || !data) return;
    if (data.sdp) await pc.setRemoteDescription(data.sdp);
    else if (data.candidate) await pc.addIceCandidate(data.candidate);
  }

  ws.onmessage = function (event) {
    var msg = JSON.parse(event.data);
    // Signaling must apply in order: a candidate before its description is rejected.
    queue = queue.then(function () {
      if (msg.t === 'call') return call();
      if (msg.t === 'signal') return onSignal(msg.data);
    }).catch(function (err) { console.error('participant signaling', String(err)); });
  };
  ws.onopen = function () { status.textContent = 'connected'; };
})();
`;
