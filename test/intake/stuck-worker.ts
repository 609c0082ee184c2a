// Order matters: the spinning listener is registered before the real worker's.
import './stuck-first.js';
import '../../src/intake/parse-worker.js';
