import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { startQuorum, type Quorum } from '../../src/main.js';

export const adminToken = 'test-admin-token-0123456789';

export function testConfig(overrides: Record<string, unknown> = {}): Config {
  return loadConfig(
    {},
    {
      QUORUM_DATA_DIR: mkdtempSync(join(tmpdir(), 'quorum-it-')),
      QUORUM_HTTP_PORT: 0,
      QUORUM_SMTP_PORT: 0,
      QUORUM_ADMIN_TOKEN: adminToken,
      QUORUM_LOG_LEVEL: 'silent',
      ...overrides,
    },
  );
}

export function startTestQuorum(overrides: Record<string, unknown> = {}): Promise<Quorum> {
  return startQuorum(testConfig(overrides));
}

/** Calls the running Quorum's API as an operator would. */
export async function api<T = Record<string, unknown>>(quorum: Quorum, method: string, path: string, body?: unknown, token = adminToken): Promise<{ status: number; body: T }> {
  const response = await fetch(`${quorum.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}
