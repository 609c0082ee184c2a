import { existsSync, readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { adminTokenFile } from '../admin-token.js';
import type { Config } from '../config.js';
import { CliError, withAdvice } from './errors.js';

/** An answer of Quorum's API that is an error (or no answer: status 0 when Quorum cannot be reached). */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    message: string,
    code: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, code, { ...(status > 0 ? { status } : {}), ...details });
    this.name = 'ApiError';
  }
}


/** Hints for the operator, by the API's error code. */
const hints: Record<string, string> = {
  not_found: '`quorum sessions` lists the sessions',
};

/** A small client of Quorum's HTTP API for the CLI commands. */
export class ApiClient {
  readonly baseUrl: string;
  private readonly token: string;
  /** Where the token came from, for the message when Quorum refuses it. */
  private readonly tokenSource: string;

  constructor(config: Config) {
    this.baseUrl = (config.QUORUM_API_URL ?? `http://127.0.0.1:${config.QUORUM_HTTP_PORT}`).replace(/\/$/, '');
    const file = adminTokenFile(config.QUORUM_DATA_DIR);
    const token = config.QUORUM_ADMIN_TOKEN ?? (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
    if (!token) {
      throw new CliError(`no admin token: set QUORUM_ADMIN_TOKEN, or QUORUM_DATA_DIR to the server's data directory (there is no ${file})`, 'no_token');
    }
    this.token = token;
    this.tokenSource = config.QUORUM_ADMIN_TOKEN ? 'the token in QUORUM_ADMIN_TOKEN' : `the token in ${file}`;
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
      throw this.unreachable(error);
    }
    const parsed = this.parse(response, await response.text(), `${method} ${path}`);
    if (!response.ok && !options.acceptStatuses?.includes(response.status)) throw this.refused(response.status, parsed, `${method} ${path}`);
    return parsed as T;
  }

  /** Quorum answers JSON; anything else means QUORUM_API_URL points at another server. */
  private parse(response: Response, text: string, what: string): unknown {
    if (!text) return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      const type = response.headers.get('content-type') ?? 'no content type';
      throw new ApiError(response.status, `${this.baseUrl} is not Quorum's API (${what} answered ${response.status} with ${type}): check QUORUM_API_URL`, 'not_quorum');
    }
  }

  private unreachable(error: unknown): ApiError {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code === 'ECONNREFUSED' ? 'connection refused' : (cause?.code ?? cause?.message ?? (error as Error).message);
    return new ApiError(0, `cannot reach Quorum at ${this.baseUrl} (${why}): is \`quorum serve\` running? (QUORUM_API_URL or QUORUM_HTTP_PORT say where)`, 'unreachable');
  }

  private refused(status: number, body: unknown, what: string): ApiError {
    const { error, message, statusCode: _status, ...rest } = (typeof body === 'object' && body !== null ? body : {}) as { error?: unknown; message?: unknown; statusCode?: unknown };
    const text = typeof message === 'string' ? message : `${what} answered ${status}`;
    if (status === 401) {
      return new ApiError(status, `Quorum at ${this.baseUrl} refused ${this.tokenSource} (401): use the admin token \`quorum serve\` printed on first start (QUORUM_ADMIN_TOKEN, or QUORUM_DATA_DIR of the server)`, 'unauthorized');
    }
    // Fastify's own 404 (no such route): the URL has a wrong path prefix, or the server is another version.
    if (status === 404 && error === 'Not Found' && text.startsWith('Route ')) {
      return new ApiError(status, `${this.baseUrl} has no route ${what}: check QUORUM_API_URL (the base URL, without a path)`, 'not_quorum');
    }
    // The API answers an unknown id on retry/stop with 404 but code `conflict`; scripts get one code for "no such thing".
    const code = status === 404 ? 'not_found' : typeof error === 'string' ? error : `http_${status}`;
    const hint = text.startsWith('session ') ? hints[code] : undefined;
    return new ApiError(status, hint ? withAdvice(text, hint) : text, code, rest);
  }

  /** Opens the live log stream; calls `onLine` for each line until the socket closes. */
  followLogs(sessionId: string, query: string, onLine: (line: unknown) => void): Promise<void> {
    const wsUrl = `${this.baseUrl.replace(/^http/, 'ws')}/v1/sessions/${encodeURIComponent(sessionId)}/logs/live${query}`;
    const socket = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${this.token}` } });
    return new Promise((resolve, reject) => {
      socket.on('message', (data: Buffer) => onLine(JSON.parse(data.toString('utf8'))));
      socket.on('close', () => resolve());
      socket.on('error', (error) => reject(new CliError(`the live log stream from ${this.baseUrl} failed: ${error.message}`, 'stream_failed')));
    });
  }
}
