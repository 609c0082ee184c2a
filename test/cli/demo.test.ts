import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoProviders, runDemo } from '../../src/cli/demo.js';

/**
 * `quorum demo` as a user runs it, in process: Quorum, its SMTP intake and the simulator on free ports, a signed
 * invite e-mail, a real Chromium bot. Zoom is the demo with the extra step (the host's recording permission).
 */
describe('quorum demo', () => {
  it('--provider zoom: the bot asks the host for permission, gets it, records; then a cloud recording is fetched; the output says so in plain words', async () => {
    let output = '';
    const code = await runDemo({ provider: 'zoom', json: false, out: (text) => (output += text) });
    expect(code, output).toBe(0);
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

  it('supports every provider, Zoom included (`--provider all` runs this list); the CLI help and README name them', async () => {
    expect(demoProviders).toEqual(['meet', 'teams', 'webex', 'zoom']);
    await expect(runDemo({ provider: 'skype', json: true })).rejects.toThrow('the demo supports meet, teams, webex, zoom (or all); got skype');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`\`quorum demo [--provider ${demoProviders.join('\\|')}\\|all]`);
    const cli = readFileSync(new URL('../../src/cli/main.ts', import.meta.url), 'utf8');
    expect(cli).toContain('demoProviders');
  });
});
