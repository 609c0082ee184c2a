// A parse-pool thread that takes 2 s to start, as one does on a busy machine, then is the real worker.
const until = Date.now() + 2_000;
while (Date.now() < until) {
  // Spins before the real worker loads: its ready message comes only after this.
}
await import('../../src/intake/parse-worker.js');
