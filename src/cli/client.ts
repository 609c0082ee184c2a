import { existsSync, readFileSync } from 'node:fs';
import WebSocket from 'ws';
import type { Config } from '../config.js';
import { adminTokenFile } from '../main.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A small client of Quorum's HTTP API for the CLI commands. */
export class ApiClient {
  readonly baseUrl: string;
  private readonly token: string;

  constructor(config: Config) {
    this.baseUrl = (config.QUORUM_API_URL ?? `http://127.0.0.1:${config.QUORUM_HTTP_PORT}`).replace(/\/$/, '');
    const file = adminTokenFile(config.QUORUM_DATA_DIR);
    const token = config.QUORUM_ADMIN_TOKEN ?? (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
    if (!token) throw new Error(`no API token: set QUORUM_ADMIN_TOKEN or run this where ${file} exists`);
    this.token = token;
  }

  /** `acceptStatuses`: error statuses whose body is still the answer (intake's 422 for a rejected message). */
  async request<T>(method: string, path: string, body?: unknown, options: { acceptStatuses?: number[] } = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(0, `cannot reach Quorum at ${this.baseUrl} (is \`quorum serve\` running?): ${(error as Error).message}`);
    }
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : {};
    if (!response.ok && !options.acceptStatuses?.includes(response.status)) {
      const message = (parsed as { message?: string }).message ?? response.statusText;
      throw new ApiError(response.status, `${response.status}: ${message}`);
    }
    return parsed as T;
  }

  /** Opens the live log stream; calls `onLine` for each line until the socket closes. */
  followLogs(sessionId: string, query: string, onLine: (line: unknown) => void): Promise<void> {
    const wsUrl = `${this.baseUrl.replace(/^http/, 'ws')}/v1/sessions/${encodeURIComponent(sessionId)}/logs/live${query}`;
    const socket = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${this.token}` } });
    return new Promise((resolve, reject) => {
      socket.on('message', (data: Buffer) => onLine(JSON.parse(data.toString('utf8'))));
      socket.on('close', () => resolve());
      socket.on('error', (error) => reject(error));
    });
  }
}
