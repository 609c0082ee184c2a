import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export interface Evidence {
  screenshot?: string;
  html?: string;
}

const evidenceTimeoutMs = 10_000;

function bounded<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([work.catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

/** Keeps labels usable as file names whatever the caller passes (step names, end codes). */
function safeLabel(label: string): string {
  return label.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'evidence';
}

/**
 * Saves a full-page screenshot and the page's HTML into `dir` as `<label>.png` / `<label>.html`.
 * Never throws: a dead or stuck page yields whatever could be saved within the time bound.
 */
export async function saveEvidence(page: Page, dir: string, label: string, timeoutMs = evidenceTimeoutMs): Promise<Evidence> {
  const base = join(dir, safeLabel(label));
  const made = await bounded(
    mkdir(dir, { recursive: true }).then(() => true),
    timeoutMs,
  );
  if (!made) return {};
  const screenshot = bounded(
    (async () => {
      const path = `${base}.png`;
      await page.screenshot({ path, fullPage: true, timeout: timeoutMs });
      return path;
    })(),
    timeoutMs,
  );
  const html = bounded(
    (async () => {
      const path = `${base}.html`;
      await writeFile(path, await page.content());
      return path;
    })(),
    timeoutMs,
  );
  const [screenshotPath, htmlPath] = await Promise.all([screenshot, html]);
  const evidence: Evidence = {};
  if (screenshotPath) evidence.screenshot = screenshotPath;
  if (htmlPath) evidence.html = htmlPath;
  return evidence;
}
