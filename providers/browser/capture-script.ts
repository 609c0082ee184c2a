/**
 * In-page half of the audio capture, kept as plain JavaScript text: it is injected with `addInitScript` and
 * evaluated in the page, where helpers a TypeScript transform might inject (vitest, esbuild) do not exist.
 */

/** Binding the page calls with each recorded chunk: (recordingId, base64, lastSoundAtEpochMs). */
export const chunkBinding = '__quorumAudioChunk';
/** Page global holding the capture controls. */
export const captureGlobal = '__quorumCapture';
/** A mix above this level counts as sound for `lastSoundAt`. */
export const soundThresholdDb = -50;

/*
 * Every remote audio track is (a) attached to a muted <audio> element, because Chromium delivers a remote
 * track's samples only while a media element consumes it, and (b) fed into one AudioContext mixer whose
 * MediaStreamAudioDestinationNode is what MediaRecorder records. Tracks arriving after the recording started
 * join the same mix. The graph is built when the page loads, not when recording starts. Only the top frame
 * is wrapped: a mixer inside an iframe would never be recorded.
 */
export const captureScript = `(() => {
  const BINDING = ${JSON.stringify(chunkBinding)};
  const GLOBAL = ${JSON.stringify(captureGlobal)};
  const SOUND_DB = ${soundThresholdDb};
  if (window.top !== window || window[GLOBAL]) return;
  const Native = window.RTCPeerConnection;
  if (typeof Native !== 'function') return;
  const state = { ctx: null, lastSoundAt: 0, levelDb: -Infinity, tracks: new Map(), recorders: new Map(), halted: false };

  function measure() {
    state.analyser.getFloatTimeDomainData(state.samples);
    let sum = 0;
    for (const sample of state.samples) sum += sample * sample;
    const rms = Math.sqrt(sum / state.samples.length);
    state.levelDb = rms > 0 ? 20 * Math.log10(rms) : -Infinity;
    if (state.levelDb > SOUND_DB) state.lastSoundAt = Date.now();
  }

  function graph() {
    if (!state.ctx) {
      const ctx = new AudioContext();
      const mixer = ctx.createGain();
      const destination = ctx.createMediaStreamDestination();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 2048;
      mixer.connect(destination);
      mixer.connect(analyser);
      Object.assign(state, { ctx, mixer, destination, analyser, samples: new Float32Array(analyser.fftSize) });
      setInterval(measure, 250);
    }
    if (state.ctx.state !== 'running') state.ctx.resume().catch(() => {});
    return state;
  }

  function addTrack(track) {
    if (track.kind !== 'audio' || state.tracks.has(track.id)) return;
    const g = graph();
    const stream = new MediaStream([track]);
    const holder = new Audio();
    holder.muted = true;
    holder.srcObject = stream;
    holder.play().catch(() => {});
    const source = g.ctx.createMediaStreamSource(stream);
    source.connect(g.mixer);
    state.tracks.set(track.id, { track, holder, source });
    track.addEventListener('ended', () => {
      source.disconnect();
      holder.srcObject = null;
      state.tracks.delete(track.id);
    });
  }

  const Wrapped = { RTCPeerConnection: class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('track', (event) => addTrack(event.track));
    }
  } }.RTCPeerConnection;
  window.RTCPeerConnection = Wrapped;
  if (window.webkitRTCPeerConnection) window.webkitRTCPeerConnection = Wrapped;
  // The audio graph takes a moment to start (longer on a busy machine): build it while the bot is still
  // joining, so the recorder records from the instant it is started.
  setTimeout(graph, 0);

  /*
   * What reaches the page: remote audio tracks still live, and how many of them receive media. A remote track is
   * muted until its first RTP packet arrives (a deaf bot: the call is set up, the audio never comes), unlike a
   * track that carries the silence of a participant who says nothing. Chromium 156 does not mute it again when
   * packets stop later. Counted on each call: a handful of tracks.
   */
  function reception() {
    let tracks = 0;
    let unmuted = 0;
    for (const { track } of state.tracks.values()) {
      if (track.readyState !== 'live') continue;
      tracks += 1;
      if (!track.muted) unmuted += 1;
    }
    return { tracks, unmuted };
  }

  function toBase64(blob) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(',')[1] || '');
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
  }

  /** Stops one recorder; resolves once its last chunk went to the binding. Safe to call twice. */
  function finish(entry) {
    entry.done = entry.done || (entry.recorder.state === 'inactive'
      ? entry.queue
      : new Promise((resolve) => {
        entry.recorder.addEventListener('stop', () => resolve(entry.queue), { once: true });
        entry.recorder.stop();
      }));
    return entry.done;
  }

  const controls = {
    start(id) {
      // After halt() nothing is recorded in this page again: a recording started late stays empty.
      if (state.halted) return;
      const g = graph();
      const recorder = new MediaRecorder(g.destination.stream, { mimeType: 'audio/webm;codecs=opus' });
      const entry = { recorder, queue: Promise.resolve() };
      recorder.ondataavailable = (event) => {
        if (!event.data || event.data.size === 0) return;
        entry.queue = entry.queue
          .then(() => toBase64(event.data))
          .then((data) => window[BINDING](id, data, state.lastSoundAt))
          .catch(() => {});
      };
      state.recorders.set(id, entry);
      recorder.start(1000);
    },
    stop(id) {
      const entry = state.recorders.get(id);
      if (!entry) return Promise.resolve();
      state.recorders.delete(id);
      return finish(entry);
    },
    /*
     * Stops every recorder of the page at once and for good, without waiting for Node to ask: called from the
     * meeting page's own event handler when the permission to record is withdrawn (Zoom's host taking it back),
     * so not even a poll's delay of audio after it reaches the file. Chunks recorded before still arrive, and
     * stop(id) later resolves as usual.
     */
    halt() {
      state.halted = true;
      for (const entry of state.recorders.values()) finish(entry);
    },
    level() {
      if (!state.ctx) return null;
      measure();
      return { db: state.levelDb, lastSoundAt: state.lastSoundAt, ...reception() };
    },
  };
  Object.defineProperty(window, GLOBAL, { value: controls, enumerable: false });
})();`;
