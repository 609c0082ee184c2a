import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import { adminToken, startTestQuorum } from '../helpers/quorum.js';
import { inMinutes, newSessionInput } from '../helpers/store.js';

/** The pids of a process's descendants now (Chromium and its helpers, for the demo). */
function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // `pid (comm) state ppid …`: comm may hold spaces, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  for (let added = true; added; ) {
    added = false;
    for (const [pid, ppid] of parentOf) {
      if ((ppid === root || found.includes(ppid)) && !found.includes(pid)) {
        found.push(pid);
        added = true;
      }
    }
  }
  return found;
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

function exitOf(run: CliRun): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (run.child.exitCode !== null || run.child.signalCode !== null) resolve({ code: run.child.exitCode, signal: run.child.signalCode });
    else run.child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

describe('interrupting the CLI', () => {
  it('logs --follow: Ctrl-C ends it quietly; a server that goes away ends it with exit 1 and one line', async () => {
    let quorum: Quorum | undefined = await startTestQuorum();
    try {
      const session = await quorum.sessions.create(newSessionInput({ meetingUrl: 'https://meet.google.com/int-rupt-abc', title: 'followed', startsAt: inMinutes(60), joinAt: inMinutes(24 * 60) }));
      quorum.logger.child({ sessionId: session.id, companyId: 'default', provider: 'meet', attempt: 1 }).info('first line');
      const env = { QUORUM_API_URL: quorum.url, QUORUM_ADMIN_TOKEN: adminToken };
      const [interrupted, abandoned] = [runCli(['logs', session.id, '--follow'], env), runCli(['logs', session.id, '--follow'], env)];
      await Promise.all([interrupted.waitFor('first line', 30_000), abandoned.waitFor('first line', 30_000)]);
      // Both are following now: the history is printed and the live stream is open.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      interrupted.child.kill('SIGINT');
      expect(await exitOf(interrupted)).toEqual({ code: null, signal: 'SIGINT' });
      expect(interrupted.output()).not.toMatch(/\n\s+at |Error/);
      await quorum.close();
      quorum = undefined;
      expect(await exitOf(abandoned)).toEqual({ code: 1, signal: null });
      const lines = abandoned.output().trimEnd().split('\n');
      expect(lines.slice(0, -1).join('\n')).toContain('first line');
      expect(lines.at(-1)).toMatch(/^quorum: (cannot reach Quorum at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)|Quorum at .* closed the live log stream while session \S+ is scheduled; run `quorum logs \S+ --follow` again)/);
    } finally {
      await quorum?.close();
    }
  });

  it('demo: Ctrl-C while the bot joins closes Chromium and removes the temporary data, exit 130, no stack trace', async () => {
    const demo = runCli(['demo', '--provider', 'meet'], {});
    await demo.waitFor('joining → waiting_room', 90_000);
    const dataDir = /data in (\S+)/.exec(demo.output())?.[1];
    expect(dataDir && existsSync(dataDir), demo.output()).toBeTruthy();
    const children = descendants(demo.child.pid ?? -1);
    expect(children.length, 'the bot and the simulated participants run in Chromium').toBeGreaterThan(0);
    demo.child.kill('SIGINT');
    expect(await exitOf(demo), demo.output()).toEqual({ code: 130, signal: null });
    expect(demo.output()).toContain('quorum demo: interrupted; closing the bots, Quorum and the simulator');
    expect(demo.output()).not.toMatch(/\n\s+at |browser_crashed|automatic_retry/);
    expect(existsSync(dataDir ?? ''), `${dataDir} is left behind`).toBe(false);
    const deadline = Date.now() + 10_000;
    while (children.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(children.filter(alive), 'processes of the demo still running').toEqual([]);
  });
});
