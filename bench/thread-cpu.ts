import { readFileSync } from 'node:fs';

/** The calling thread's CPU milliseconds so far (Linux; NaN elsewhere), to split a process's CPU time by thread. */
export function threadCpuMs(): number {
  try {
    const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime, in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}
