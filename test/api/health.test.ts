import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startQuorum } from '../../src/main.js';
import { testConfig } from '../helpers/quorum.js';

const chromium = '/usr/bin/chromium';

async function health(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/healthz`);
  return { status: response.status, body: await response.json() };
}

describe('Chromium at start and on /healthz', () => {
  it('a process that runs bots does not start without Chromium, naming CHROMIUM_PATH and what to install', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'quorum-health-'));
    const missing = join(dataDir, 'no-chromium');
    await expect(startQuorum(testConfig({ QUORUM_DATA_DIR: dataDir, CHROMIUM_PATH: missing }))).rejects.toThrow(
      `CHROMIUM_PATH: ${missing} does not exist; bots run in this process (QUORUM_CONCURRENCY=4) and need Chromium: install Debian's chromium package (\`apt-get install chromium\`)`,
    );
    await expect(startQuorum(testConfig({ CHROMIUM_PATH: dataDir, QUORUM_SIMULATE: true }))).rejects.toThrow(`CHROMIUM_PATH: ${dataDir} is not a file`);
    // Refused before anything opened: not even the database file was made.
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('a process with no bot slots starts without Chromium, and its /healthz does not ask for it', async () => {
    const quorum = await startQuorum(testConfig({ CHROMIUM_PATH: '/nonexistent/chromium', QUORUM_CONCURRENCY: 0 }));
    try {
      expect(await health(quorum.url)).toEqual({ status: 200, body: { status: 'ok' } });
    } finally {
      await quorum.close();
    }
  });

  it('answers 503 naming Chromium when the one checked at start has gone since', async () => {
    const link = join(mkdtempSync(join(tmpdir(), 'quorum-health-')), 'chromium');
    symlinkSync(chromium, link);
    const quorum = await startQuorum(testConfig({ CHROMIUM_PATH: link }));
    try {
      expect(await health(quorum.url)).toEqual({ status: 200, body: { status: 'ok' } });
      rmSync(link);
      expect(await health(quorum.url)).toEqual({ status: 503, body: { status: 'unavailable', database: 'up', chromium: 'down' } });
    } finally {
      await quorum.close();
    }
  });
});
