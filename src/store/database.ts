import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type MigrationProvider, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import { migrations, type Dialect } from './migrations.js';
import type { Database } from './schema.js';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

/** The embedded store: one SQLite file under the data directory, in WAL mode so readers never block the writer. */
export async function openSqliteStore(dataDir: string): Promise<Store> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'quorum.sqlite');
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  await migrate(db, 'sqlite');
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/**
 * Kysely prepares every query it runs; the same few hundred statements run over and over, and preparing
 * costs about as much as running them, so prepared statements are kept by their SQL text. SQLite re-prepares
 * a kept statement by itself after a schema change. Kysely never streams from SQLite here, so a statement
 * is never busy when it is handed out again.
 */
function withStatementCache(sqlite: BetterSqlite3.Database, limit = 1000): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare: (text: string) => {
      let statement = statements.get(text);
      if (!statement) {
        if (statements.size >= limit) statements.clear();
        statement = sqlite.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

export interface PostgresOptions {
  /** A schema to use instead of `public` (created if missing): lets tests and tenants share a database. */
  schema?: string;
  poolSize?: number;
  /**
   * Errors of pooled connections (PostgreSQL restarted or went away). The pool drops such a connection and opens
   * a new one on the next query; without a listener the 'error' event would end the process.
   */
  onConnectionError?: (error: Error) => void;
}

/** The scale-out store: PostgreSQL, shared by every `quorum serve` and `quorum worker` process. */
export async function openPostgresStore(url: string, options: PostgresOptions = {}): Promise<Store> {
  const { schema } = options;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // A query waits at most this long for a connection, so a hung or vanished database fails requests
    // (SMTP answers 451, /healthz 503) instead of holding them forever.
    connectionTimeoutMillis: 30_000,
    keepAlive: true,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // Every connection's errors reach the listener on its client below, idle or checked out between queries
  // (inside a transaction, where the pool's own listener is not); the pool re-emits an idle one's here too.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', (error) => options.onConnectionError?.(error)));
  if (schema) await pool.query(`create schema if not exists ${schema}`);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrate(db, 'postgres', schema);
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/**
 * `schema`: the PostgreSQL schema the store lives in. Kysely looks for its migration tables in every schema
 * unless told which, so a second schema in the same database would find the first one's and never create its own.
 */
export async function migrate(db: Kysely<Database>, dialect: Dialect, schema?: string): Promise<void> {
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations(dialect)) };
  const { error, results } = await new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
