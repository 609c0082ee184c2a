import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { loadConfig } from '../src/config.js';
import { startQuorum } from '../src/main.js';
import { openSqliteStore } from '../src/store/database.js';
import { botLayouts, measureBots, type BotFigures } from './bots.js';
import { measureIntake, type IntakeFigures } from './intake.js';
import { seedStore } from './seed.js';

/**
 * `npm run bench`: the console's requests against a store holding 100k sessions and 1M log lines, and
 * invite intake end to end beside the bare iCalendar parse. Every scenario runs interleaved with the
 * others in one process (same cache, same disk state); medians, p95s and ratios go to docs/benchmarks.md.
 */
const sessions = 100_000;
const logLines = 1_000_000;
const heavySessions = 100;
const heavyLines = 5_000;
const longTimelines = 50;
const timelineEvents = 3_000;
const rounds = 200;
const token = 'bench-admin-token';

interface Scenario {
  name: string;
  path: () => string;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function cursorAt(dataDir: string, offset: number): string {
  const db = new BetterSqlite3(join(dataDir, 'quorum.sqlite'), { readonly: true });
  const row = db.prepare('select created_at, id from sessions order by created_at desc, id desc limit 1 offset ?').get(offset) as { created_at: string; id: string };
  db.close();
  return `${row.created_at}|${row.id}`;
}

function scenarios(ids: string[], heavyIds: string[], longIds: string[], deepCursor: string): Scenario[] {
  let n = 0;
  const any = (list: string[]) => list[(n = (n * 7919 + 13) % list.length)] ?? '';
  const day = 86_400_000;
  const from = new Date(Date.now() - 10 * day).toISOString();
  const to = new Date(Date.now() - 9 * day).toISOString();
  return [
    { name: 'sessions page: newest 50', path: () => '/v1/sessions?limit=50' },
    { name: 'sessions page: state=failed', path: () => '/v1/sessions?limit=50&state=failed' },
    { name: 'sessions page: company + provider', path: () => '/v1/sessions?limit=50&companyId=company-7&provider=teams' },
    { name: 'sessions page: end code', path: () => '/v1/sessions?limit=50&endCode=waiting_room_timeout' },
    { name: 'sessions page: one-day time range', path: () => `/v1/sessions?limit=50&from=${from}&to=${to}` },
    { name: 'sessions page: search "roadmap"', path: () => '/v1/sessions?limit=50&q=roadmap' },
    { name: 'sessions page: search, no match (full scan)', path: () => '/v1/sessions?limit=50&q=no-such-meeting' },
    { name: 'sessions page: 1000th page (keyset)', path: () => `/v1/sessions?limit=50&cursor=${encodeURIComponent(deepCursor)}` },
    { name: 'session view: detail', path: () => `/v1/sessions/${any(ids)}` },
    { name: 'session view: detail (5k-line session)', path: () => `/v1/sessions/${any(heavyIds)}` },
    { name: 'session view: detail (3k-event timeline, whole)', path: () => `/v1/sessions/${any(longIds)}` },
    { name: 'session view: detail (3k-event timeline, `?events=120`)', path: () => `/v1/sessions/${any(longIds)}?events=120` },
    { name: 'session view: log, 1000 lines of 5k', path: () => `/v1/sessions/${any(heavyIds)}/logs?limit=1000` },
    { name: 'session view: log, level warn+', path: () => `/v1/sessions/${any(heavyIds)}/logs?limit=1000&level=warn` },
    { name: 'overview charts (24 h)', path: () => '/console/api/stats?hours=24' },
  ];
}

async function measure(url: string, list: Scenario[]): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>(list.map((s) => [s.name, []]));
  for (let round = -10; round < rounds; round += 1) {
    for (const scenario of list) {
      const started = performance.now();
      const response = await fetch(`${url}${scenario.path()}`, { headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      const elapsed = performance.now() - started;
      if (response.status !== 200) throw new Error(`${scenario.name}: HTTP ${response.status}`);
      // The first rounds warm the page cache and the JIT; they are not counted.
      if (round >= 0) times.get(scenario.name)?.push(elapsed);
    }
  }
  return times;
}

const median = (list: number[]) => percentile([...list].sort((a, b) => a - b), 50);

function intakeTable(f: IntakeFigures): string[] {
  const columns = [f.parsePerSecond, f.zonedParsePerSecond, f.mailParsePerSecond, f.senderCheckPerSecond, f.endToEndPerSecond, f.allAtOncePerSecond];
  const cpu = [f.mainCpuMs, f.otherCpuMs];
  const rows = f.parsePerSecond.map((_, i) => `| ${i + 1} | ${columns.map((list) => (list[i] ?? 0).toFixed(0)).join(' | ')} | ${cpu.map((list) => (list[i] ?? 0).toFixed(2)).join(' | ')} |`);
  return [
    '| round | bare parse | parse with zones | e-mail parse | sender check | end to end | end to end, read all at once | main thread CPU ms | other threads CPU ms |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    `| **median** | ${columns.map((list) => `**${median(list).toFixed(0)}**`).join(' | ')} | ${cpu.map((list) => `**${median(list).toFixed(2)}**`).join(' | ')} |`,
  ];
}

function intakeReport(f: IntakeFigures): string {
  const [parse, zoned, endToEnd] = [median(f.parsePerSecond), median(f.zonedParsePerSecond), median(f.endToEndPerSecond)];
  const [mailParse, senderCheck, allAtOnce] = [median(f.mailParsePerSecond), median(f.senderCheckPerSecond), median(f.allAtOncePerSecond)];
  const ratio = (a: number, b: number) => (a / b).toFixed(3);
  // CPU one message needs just to be read (no SMTP, no store), spread over every core: the most any intake on these libraries can do here.
  const readMs = 1000 / mailParse + 1000 / senderCheck;
  const cores = cpus().length;
  const ceiling = (cores * 1000) / readMs;
  return [
    '## Invite intake',
    '',
    `Each round composes ${f.invitesPerRound} Google-shaped invites (a New York VTIMEZONE, five attendees, a Meet link; each a`,
    "multipart e-mail DKIM-signed by the sender's domain, signed before the clock starts) and measures, one after the",
    'other in the same process: the bare ical.js parse of the calendars (parse, read the event as written), the same',
    'parse with the VTIMEZONE applied so the start is an instant (what any scheduler must do), the two halves of reading',
    'each e-mail alone on one thread (the e-mail parse: mailparser, the calendar read with its zones, links found; the',
    'sender check: SPF, DKIM and DMARC with mailauth against a local DNS table), and the same invites sent over SMTP',
    `by ${f.senders} concurrent connections from a worker thread (the sending mail servers) to Quorum, each acknowledged`,
    'with 250 only once the raw mail is stored, the sender authenticated, the event applied by UID and SEQUENCE, the',
    'eligibility check run and the session scheduled. Rates are invites per second; CPU is per invite during the SMTP',
    "phase, in Quorum's main thread and in its other threads (the parse thread, V8's collector and compiler threads;",
    "the sending thread's own CPU time is measured and left out).",
    'One warm-up round is not counted. In each round the same invites also go to a second Quorum, alike but for its',
    'parse thread, which starts every message it is handed at once; the two take turns going first.',
    '',
    ...intakeTable(f),
    '',
    `End to end runs at ${ratio(endToEnd, zoned)} of the zoned parse rate and ${ratio(endToEnd, parse)} of the bare parse rate.`,
    `The target is half the parse rate: ${endToEnd >= zoned / 2 ? 'met against the zoned parse' : 'not met'}${endToEnd >= parse / 2 ? ' and against the bare parse' : ''}.`,
    '',
    `Reading one message takes ${readMs.toFixed(2)} ms of CPU before anything is stored (e-mail parse ${(1000 / mailParse).toFixed(2)} ms, sender`,
    `check ${(1000 / senderCheck).toFixed(2)} ms), so with ${cores} cores no intake built on these libraries can pass about ${ceiling.toFixed(0)} invites/s`,
    `here; half the bare parse rate is ${(parse / 2).toFixed(0)}/s${parse / 2 > ceiling ? `, ${(parse / 2 / ceiling).toFixed(1)} times that ceiling` : ''}. Within the SMTP phase the main thread`,
    '(SMTP server, SQLite with about sixteen statements an invite in one shared commit, Kysely, the eligibility check)',
    'costs about what reading costs; MIME and iCalendar parsing and the sender check run in the parse thread. That',
    'thread reads its messages in arrival order, two at a time, and hands each back as soon as it is read: started all',
    'at once, a burst of messages finished together, and the two threads took turns instead of working side by side.',
    `Two at a time, end to end runs at ${endToEnd.toFixed(0)}/s against ${allAtOnce.toFixed(0)}/s all at once: ${ratio(endToEnd, allAtOnce)} times as fast.`,
    '`BENCH_SENDERS` sets the number of connections.',
    '',
  ].join('\n');
}

function botsReport(f: BotFigures): string {
  const rows = botLayouts.map((layout) => {
    const rounds = f.rounds.filter((r) => r.layout === layout);
    const of = (pick: (r: (typeof rounds)[number]) => number) => median(rounds.map(pick));
    return { layout, pss: of((r) => r.pssMbPerBot), cpu: of((r) => r.cpuPercentPerBot), node: of((r) => r.nodeCpuPercentPerBot), browsers: of((r) => r.browsers), processes: of((r) => r.processes), n: rounds.length };
  });
  const [own, shared] = rows;
  return [
    '## A recording bot',
    '',
    `Each round starts Quorum with the simulator and has ${f.bots} bots record ${f.bots} simulated Meet meetings at once (two`,
    'participants speaking over real WebRTC), then measures for',
    `${f.windowSeconds} s while they record: the memory of the bot browsers' whole process trees (PSS from`,
    '`/proc/<pid>/smaps_rollup`, so pages Chromium processes share count once; median of one sample a second), their',
    "CPU time, and the CPU of Quorum's own process (which here also serves the simulator's pages; the participants'",
    'Chromium is not counted). Figures are per bot. The two layouts (`QUORUM_BOTS_PER_BROWSER`) alternate round by',
    'round in the same run; medians of the rounds.',
    '',
    '| layout | rounds | browsers | processes | memory per bot (PSS MB) | bot CPU per bot (% of a core) | Quorum process CPU per bot (%) |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.layout.label} | ${r.n} | ${r.browsers} | ${r.processes} | ${r.pss.toFixed(0)} | ${r.cpu.toFixed(1)} | ${r.node.toFixed(1)} |`),
    '',
    own && shared ? `Sharing one Chromium among ${f.bots} bots (the default) takes ${(shared.pss / own.pss).toFixed(2)} of the memory per bot and ${(shared.cpu / own.cpu).toFixed(2)} of the CPU of one Chromium per bot.` : '',
    '',
  ].join('\n');
}

function report(times: Map<string, number[]>, seedSeconds: number): string {
  const rows = [...times].map(([name, list]) => {
    const sorted = [...list].sort((a, b) => a - b);
    return `| ${name} | ${sorted.length} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 95).toFixed(1)} | ${(sorted.at(-1) ?? 0).toFixed(1)} |`;
  });
  const cpu = cpus();
  return [
    '# Benchmarks',
    '',
    '`npm run bench` (builds, then runs `node dist/bench/run.js`) measures the ops console against a big store,',
    'invite intake end to end, and what a recording bot costs; it rewrites this file.',
    '',
    `Last run: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}.`,
    '',
    '## Ops console',
    '',
    `It seeds a fresh SQLite store with ${sessions.toLocaleString('en')} sessions (each with an attempt and three timeline events)`,
    `and ${logLines.toLocaleString('en')} log lines (${heavySessions} sessions with ${heavyLines.toLocaleString('en')} lines each, the rest spread evenly);`,
    `${longTimelines} other sessions have ${timelineEvents.toLocaleString('en')} timeline events each (participants coming and going), read whole and as the`,
    "console's live refresh reads them (`?events=120`: the first 5 and the newest 120). It",
    'starts Quorum on it, and requests what the console requests: the sessions page (`GET /v1/sessions`, 50 rows plus',
    'the counts by state) under each filter, and the session view (`GET /v1/sessions/:id` and its log). Scenarios run',
    `interleaved, one request at a time, ${rounds} times each after 10 warm-up rounds; times are wall-clock in the client,`,
    'JSON encoding and loopback HTTP included.',
    '',
    `Seeding took ${seedSeconds.toFixed(0)} s.`,
    '',
    '| request | n | median ms | p95 ms | max ms |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
    'Paging is by keyset (`cursor` = the last row\'s `created_at|id`), so the 1000th page costs about what the first does;',
    'each filter has an index ending in `(created_at, id)` (migration `0004_console`). Text search is a `LIKE` scan',
    'that stops at 50 matches, so a rare term costs more than a common one. The run is kept out of `npm test`.',
    '',
  ].join('\n');
}

async function measureConsole(dataDir: string): Promise<string> {
  const store = await openSqliteStore(dataDir);
  await store.close();
  const seedStart = performance.now();
  console.log(`seeding ${sessions} sessions and ${logLines} log lines in ${dataDir} ...`);
  const seeded = seedStore(dataDir, { sessions, logLines, heavySessions, heavyLines, longTimelines, timelineEvents });
  const seedSeconds = (performance.now() - seedStart) / 1000;
  console.log(`seeded in ${seedSeconds.toFixed(1)} s; measuring ...`);
  const config = loadConfig({}, { QUORUM_DATA_DIR: dataDir, QUORUM_HTTP_PORT: 0, QUORUM_SMTP_PORT: 0, QUORUM_ADMIN_TOKEN: token, QUORUM_LOG_LEVEL: 'silent' });
  const quorum = await startQuorum(config);
  try {
    const list = scenarios(seeded.sessionIds, seeded.heavyIds, seeded.longTimelineIds, cursorAt(dataDir, 50_000));
    return report(await measure(quorum.url, list), seedSeconds);
  } finally {
    await quorum.close();
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'quorum-bench-'));
  try {
    const consoleText = await measureConsole(dataDir);
    console.log('measuring invite intake ...');
    const intakeText = intakeReport(await measureIntake((line) => console.log(line)));
    console.log('measuring recording bots ...');
    const text = `${consoleText}\n${intakeText}\n${botsReport(await measureBots((line) => console.log(line)))}`;
    const target = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
    writeFileSync(target, text);
    console.log(text);
    console.log(`written to ${target}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
