import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import { adminToken, startTestQuorum } from '../helpers/quorum.js';
import { sessionWithFiles } from '../helpers/sessions.js';
import { consoleBrowser, screenshots } from './fixtures.js';

const wait = { timeout: 30_000 };

describe('ops console: Delete recordings', () => {
  let quorum: Quorum;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    quorum = await startTestQuorum();
    ({ browser, page } = await consoleBrowser());
    await page.addInitScript((token) => sessionStorage.setItem('quorum.token', token), adminToken);
  });
  afterAll(async () => {
    await browser?.close();
    await quorum?.close();
  });

  /** A session far ahead with a recording and a failure screenshot on disk; `ended`: it failed. */
  const withFiles = (title: string, ended: boolean) => sessionWithFiles(quorum, { title, bytes: [4096, 256], ...(ended ? { endCode: 'waiting_room_timeout' as const } : {}) });


  it('deletes an ended session’s recording and evidence after a confirmation with a reason, and the page shows them gone', async () => {
    const planned = await withFiles('Planned weekly', false);
    await page.goto(`${quorum.url}/console/#/sessions/${planned.session.id}`);
    await page.locator('.evidence figure').first().waitFor(wait);
    // A session that has not ended may still be written to: no button.
    expect(await page.locator('#delete-recordings').isHidden()).toBe(true);

    const { session, files } = await withFiles('Recorded by mistake', true);
    await page.goto(`${quorum.url}/console/#/sessions/${session.id}`);
    await page.locator('.evidence audio').waitFor(wait);
    await page.click('#delete-recordings');
    // Cancel first: nothing is deleted without confirmation.
    await page.click('#action-dialog button[value=cancel]');
    expect(existsSync(files[0] ?? '')).toBe(true);
    await page.click('#delete-recordings');
    await page.locator('#action-title', { hasText: "Delete this session's recordings and evidence for good?" }).waitFor(wait);
    await page.fill('#action-reason', 'a participant asked to be erased');
    await page.screenshot({ path: `${screenshots}console-delete-recordings.png` });
    await page.click('#action-confirm');
    await page.locator('#action-status', { hasText: 'Deleted 2 files' }).waitFor(wait);
    await page.locator('.evidence', { hasText: 'No recording or failure evidence yet.' }).waitFor(wait);
    expect(await page.locator('.evidence audio').count()).toBe(0);
    await page.locator('#delete-recordings').waitFor({ state: 'hidden', ...wait });
    await page.locator('#timeline tr[data-code="recordings_deleted"]', { hasText: 'a participant asked to be erased' }).waitFor(wait);
    for (const file of files) expect(existsSync(file)).toBe(false);
    expect(await quorum.artifacts.list(session.id)).toEqual([]);
    expect(existsSync(planned.files[0] ?? '')).toBe(true);
  });
});
