import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoConfig, demoProviders, runDemo } from '../../src/cli/demo.js';
import { freePort } from '../helpers/net.js';

/**
 * The environment of a scale-out host whose PostgreSQL and Redis cannot be reached, with a config file and a
 * companies file the demo must not read (the one has a bad value, the other does not exist).
 */
async function scaleOutHost(): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'quorum-demo-host-'));
  const configFile = join(dir, 'quorum.json');
  writeFileSync(configFile, JSON.stringify({ QUORUM_HTTP_PORT: 'eighty', DATABASE_URL: 'postgres://quorum@127.0.0.1:1/quorum' }));
  return {
    DATABASE_URL: `postgres://quorum:secret@127.0.0.1:${await freePort()}/quorum`,
    REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    QUORUM_CONFIG_FILE: configFile,
    QUORUM_COMPANIES_FILE: join(dir, 'no-such-companies.json'),
  };
}

/**
 * `quorum demo` as a user runs it, in process: Quorum, its SMTP intake and the simulator on free ports, a signed
 * invite e-mail, a real Chromium bot. Zoom is the demo with the extra step (the host's recording permission).
 */
describe('quorum demo', () => {
  it('--provider zoom: the bot asks the host for permission, gets it, records; then a cloud recording is fetched; the output says so in plain words', async () => {
    let output = '';
    // Run on a host set up for scale-out, whose database and queue are out of reach (a demo must never touch them).
    const code = await runDemo({ provider: 'zoom', json: false, out: (text) => (output += text), env: await scaleOutHost() });
    expect(code, output).toBe(0);
    expect(output).toMatch(/^Quorum demo: ignoring DATABASE_URL, REDIS_URL, QUORUM_CONFIG_FILE, QUORUM_COMPANIES_FILE; the demo always runs embedded/);
    expect(output).toMatch(/^Quorum \(embedded\) API on http:\/\/127\.0\.0\.1:\d+;/m);
    expect(output).toMatch(/\[zoom\] simulated meeting https:\/\/zoom\.us\/j\/\d+\?pwd=/);
    expect(output).toContain('invite e-mail from ada@acme.example to assistant@acme.example accepted over SMTP');
    for (const step of ['joining → waiting_room', 'waiting_room → awaiting_permission', 'awaiting_permission → recording', 'processing → done']) expect(output).toContain(step);
    expect(output).toMatch(/\[zoom\] the bot asked the host for permission to record at \d\d:\d\d:\d\d; the host granted it \d+\.\d s later/);
    const join = /join latency: the bot was in the meeting with permission to record (\d+\.\d) s after it started/.exec(output);
    expect(join, output).not.toBeNull();
    // Waiting room (3 s) and the host's answer (2 s) come before recording.
    expect(Number(join?.[1])).toBeGreaterThan(5);
    const audio = /\[zoom\] recorded (\d+\.\d) s of audio/.exec(output);
    expect(Number(audio?.[1]), output).toBeGreaterThan(10);
    expect(output).toContain('[zoom] ended: done (meeting_ended) after 1 attempt(s)');
    // Cloud mode: no bot; the simulated Zoom's webhook brings the files, Quorum downloads them.
    for (const step of ['scheduled → awaiting_cloud_recording', 'awaiting_cloud_recording → fetching', 'fetching → done']) expect(output).toMatch(new RegExp(`\\[zoom cloud\\] \\d\\d:\\d\\d:\\d\\d  #1  ${step}`));
    expect(output).toContain("[zoom cloud] Zoom sent a signed recording.completed to Quorum's webhook (answered 200); Quorum downloaded 3 file(s): ");
    expect(output).toContain('[zoom cloud] ended: done (meeting_ended)');
  });

  it('takes nothing from an installation\'s settings but the machine\'s Chromium', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'quorum-demo-config-'));
    const env = { ...(await scaleOutHost()), CHROMIUM_PATH: '/opt/chromium/chrome', QUORUM_BROWSER_ARGS: '["--no-sandbox"]', QUORUM_HTTP_PORT: '8080', QUORUM_SMTP_RELAY_URL: 'smtp://relay.acme.example:25' };
    const { config, ignored } = demoConfig(env, dataDir);
    expect(ignored).toEqual(['DATABASE_URL', 'REDIS_URL', 'QUORUM_CONFIG_FILE', 'QUORUM_COMPANIES_FILE']);
    expect(config).toMatchObject({ QUORUM_DATA_DIR: dataDir, QUORUM_HTTP_PORT: 0, QUORUM_SMTP_PORT: 0, QUORUM_SIMULATE: true, CHROMIUM_PATH: '/opt/chromium/chrome', QUORUM_BROWSER_ARGS: ['--no-sandbox'] });
    for (const key of ['DATABASE_URL', 'REDIS_URL', 'QUORUM_COMPANIES_FILE', 'QUORUM_SMTP_RELAY_URL', 'QUORUM_ADMIN_TOKEN'] as const) expect(config[key], key).toBeUndefined();
    expect(demoConfig({}, dataDir).ignored).toEqual([]);
  });

  it('supports every provider, Zoom included (`--provider all` runs this list); the CLI help and README name them', async () => {
    expect(demoProviders).toEqual(['meet', 'teams', 'webex', 'zoom']);
    await expect(runDemo({ provider: 'skype', json: true })).rejects.toThrow('the demo supports meet, teams, webex, zoom (or all); got skype');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`\`quorum demo [--provider ${demoProviders.join('\\|')}\\|all]`);
    const cli = readFileSync(new URL('../../src/cli/main.ts', import.meta.url), 'utf8');
    expect(cli).toContain('demoProviders');
  });
});
