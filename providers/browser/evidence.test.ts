import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveEvidence } from './evidence.js';
import { BrowserPool } from './pool.js';

describe('saveEvidence', () => {
  let pool: BrowserPool;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quorum-evidence-'));
    pool = new BrowserPool({ chromiumPath: '/usr/bin/chromium', botsPerBrowser: 2, log: pino({ level: 'silent' }) });
  });

  afterAll(async () => {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('saves a PNG screenshot and the HTML of a live page', async () => {
    const bot = await pool.acquire();
    await bot.page.setContent('<h1>You can’t join this video call</h1>');
    const evidence = await saveEvidence(bot.page, join(dir, 'live'), 'ui_changed/join button');
    expect(evidence.screenshot).toBe(join(dir, 'live', 'ui_changed_join_button.png'));
    const png = await readFile(evidence.screenshot ?? '');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(await readFile(evidence.html ?? '', 'utf8')).toContain('You can’t join this video call');
    await bot.release();
  });

  it('returns nothing, without throwing or hanging, for a closed page', async () => {
    const bot = await pool.acquire();
    await bot.page.close();
    const started = Date.now();
    expect(await saveEvidence(bot.page, join(dir, 'dead'), 'dead', 2_000)).toEqual({});
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(stat(join(dir, 'dead', 'dead.png'))).rejects.toThrow(/ENOENT/);
    await bot.release();
  });
});
