import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { startQuorum, type Quorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import type { Simulator } from '../sim/index.js';

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

/**
 * A caller of the API at `base()` (a Quorum in another process) with the admin token: the parsed answer, or an
 * error naming the status and body. `base` is read at each call, so it may be set after this is made.
 */
export function callAt(base: () => string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base()}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
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

/** The simulator of a Quorum started with QUORUM_SIMULATE. */
export function simulatorOf(quorum: Quorum): Simulator {
  const sim = quorum.simulator;
  if (!sim) throw new Error('start Quorum with QUORUM_SIMULATE');
  return sim;
}

/**
 * Timings of the signed-in scenario suites, many bots side by side on a busy machine: short lobby and alone
 * rules, no backoff; a bot starved of CPU may first read the roster after the others left, and then leaves by the
 * nobody-joined rule (also left_alone) at 45 s rather than after the default ten minutes.
 */
export const scenarioSettings = {
  QUORUM_SIMULATE: true,
  QUORUM_CONCURRENCY: 10,
  QUORUM_WAITING_ROOM_TIMEOUT_SECONDS: 20,
  QUORUM_ALONE_TIMEOUT_SECONDS: 2,
  QUORUM_NOBODY_JOINED_TIMEOUT_SECONDS: 45,
  QUORUM_STEP_TIMEOUT_SECONDS: 20,
  QUORUM_RETRY_BACKOFF_SECONDS: 0,
};

/** Asks Quorum (admin token) to record `joinUrl` now for `companyId`, requested by that company's admin. */
export async function requestForCompany(quorum: Quorum, companyId: string, joinUrl: string): Promise<Session> {
  const body = { meetingUrl: joinUrl, requestedBy: `admin@${companyId}.example`, endsAt: new Date(Date.now() + 10 * 60_000).toISOString() };
  const response = await api<{ session: Session }>(quorum, 'POST', `/v1/companies/${companyId}/recording-requests`, body, adminToken);
  if (response.status !== 201) throw new Error(`request refused: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.session;
}
