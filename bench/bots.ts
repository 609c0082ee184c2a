import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { startQuorum, type Quorum } from '../src/main.js';

/**
 * What a recording bot costs while it records: the memory (PSS, so pages shared between Chromium processes count
 * once) and CPU of the bot browsers' whole process trees, and the Quorum process's own CPU, per bot. Each round
 * records `bots` simulated Meet meetings at once (two participants speaking over WebRTC) under one layout, with
 * every bot in its own Chromium or `bots` of them sharing one; layouts alternate round by round in one run.
 */
export interface BotLayout {
  label: string;
  botsPerBrowser: number;
}

export interface BotRound {
  layout: BotLayout;
  browsers: number;
  processes: number;
  pssMbPerBot: number;
  cpuPercentPerBot: number;
  nodeCpuPercentPerBot: number;
}

export interface BotFigures {
  bots: number;
  windowSeconds: number;
  rounds: BotRound[];
}

const bots = 4;
const windowSeconds = 15;
const roundsPerLayout = 2;
export const botLayouts: BotLayout[] = [
  { label: 'one Chromium per bot', botsPerBrowser: 1 },
  { label: `${bots} bots in one Chromium`, botsPerBrowser: bots },
];
const token = 'bench-admin-token';
const marker = '--quorum-browser=';
const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

interface Proc {
  pid: number;
  ppid: number;
  cpuTicks: number;
}

function readProcs(): Map<number, Proc> {
  const procs = new Map<number, Proc>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command (which may hold spaces): state, ppid, ... utime (14th field), stime (15th).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(name), { pid: Number(name), ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // Gone between the listing and the read.
    }
  }
  return procs;
}

/** The bot browsers (their command line carries the pool's marker) and every process under them. */
function botTrees(procs: Map<number, Proc>): { roots: number[]; pids: number[] } {
  const roots = [...procs.keys()].filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
    } catch {
      return false;
    }
  });
  const children = new Map<number, number[]>();
  for (const proc of procs.values()) children.set(proc.ppid, [...(children.get(proc.ppid) ?? []), proc.pid]);
  const pids: number[] = [];
  const queue = [...roots];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    pids.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return { roots, pids };
}

function pssKb(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

async function until(what: string, check: () => Promise<boolean>, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function recordAll(quorum: Quorum): Promise<string[]> {
  const sim = quorum.simulator;
  if (!sim) throw new Error('the bench needs the simulator');
  const ids: string[] = [];
  for (let n = 0; n < bots; n += 1) {
    const meeting = await sim.createMeeting('meet', { access: 'open', participants: [{ name: 'Ada' }, { name: 'Grace' }], endAfterMs: 120_000 });
    const response = await fetch(`${quorum.url}/v1/companies/default/recording-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ meetingUrl: meeting.joinUrl }),
    });
    if (response.status !== 201) throw new Error(`recording request: HTTP ${response.status} ${await response.text()}`);
    ids.push(((await response.json()) as { session: { id: string } }).session.id);
  }
  await until('every bot to record', async () => (await Promise.all(ids.map((id) => quorum.sessions.get(id)))).every((s) => s?.state === 'recording'));
  return ids;
}

async function measureRound(layout: BotLayout): Promise<BotRound> {
  const dataDir = mkdtempSync(join(tmpdir(), 'quorum-bench-bots-'));
  const config = loadConfig(
    {},
    { QUORUM_DATA_DIR: dataDir, QUORUM_HTTP_PORT: 0, QUORUM_SMTP_PORT: 0, QUORUM_ADMIN_TOKEN: token, QUORUM_LOG_LEVEL: 'silent', QUORUM_SIMULATE: true, QUORUM_LEAD_SECONDS: 0, QUORUM_CONCURRENCY: bots, QUORUM_BOTS_PER_BROWSER: layout.botsPerBrowser },
  );
  const quorum = await startQuorum(config);
  try {
    const ids = await recordAll(quorum);
    // Settled: joined, recording, audio flowing.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const before = readProcs();
    const node = process.cpuUsage();
    const started = performance.now();
    const pss: number[] = [];
    while (performance.now() - started < windowSeconds * 1000) {
      const { pids } = botTrees(readProcs());
      pss.push(pids.reduce((sum, pid) => sum + pssKb(pid), 0));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const seconds = (performance.now() - started) / 1000;
    const after = readProcs();
    const { roots, pids } = botTrees(after);
    const ticks = pids.reduce((sum, pid) => sum + (after.get(pid)?.cpuTicks ?? 0) - (before.get(pid)?.cpuTicks ?? 0), 0);
    const nodeUsage = process.cpuUsage(node);
    for (const id of ids) await quorum.scheduler.stop(id, 'bench over');
    const sortedPss = [...pss].sort((a, b) => a - b);
    return {
      layout,
      browsers: roots.length,
      processes: pids.length,
      pssMbPerBot: (sortedPss[Math.floor(sortedPss.length / 2)] ?? 0) / 1024 / bots,
      cpuPercentPerBot: ((ticks / clockTicks) * 100) / seconds / bots,
      nodeCpuPercentPerBot: ((nodeUsage.user + nodeUsage.system) / 1e6 / seconds) * 100 / bots,
    };
  } finally {
    await quorum.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function measureBots(log: (line: string) => void): Promise<BotFigures> {
  const rounds: BotRound[] = [];
  for (let round = 0; round < roundsPerLayout; round += 1) {
    for (const layout of botLayouts) {
      log(`bots: round ${round + 1}, ${layout.label} ...`);
      rounds.push(await measureRound(layout));
    }
  }
  return { bots, windowSeconds, rounds };
}
