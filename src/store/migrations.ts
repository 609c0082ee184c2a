import { sql, type Kysely, type Migration } from 'kysely';

/** Auto-increment ids differ by dialect; everything else in the schema is portable. */
export type Dialect = 'sqlite' | 'postgres';

function serialId(dialect: Dialect) {
  return dialect === 'postgres' ? sql`bigserial primary key` : sql`integer primary key autoincrement`;
}

function initial(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('companies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('assistant_address', 'text', (c) => c.notNull().unique())
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('company_id', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('plan', 'text', (c) => c.notNull())
        .addColumn('meeting_url', 'text', (c) => c.notNull())
        .addColumn('title', 'text')
        .addColumn('requested_by', 'text')
        .addColumn('starts_at', 'text', (c) => c.notNull())
        .addColumn('ends_at', 'text', (c) => c.notNull())
        .addColumn('join_at', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('end_code', 'text')
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('decision', 'text')
        .addColumn('worker_id', 'text')
        .addColumn('lease_until', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_state_join_at').on('sessions').columns(['state', 'join_at']).execute();
      await db.schema.createIndex('sessions_company_created').on('sessions').columns(['company_id', 'created_at']).execute();
      await db.schema.createIndex('sessions_created').on('sessions').column('created_at').execute();
      await db.schema
        .createTable('attempts')
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('admitted_at', 'text')
        .addColumn('ended_at', 'text')
        .addColumn('end_code', 'text')
        .addColumn('worker_id', 'text')
        .addPrimaryKeyConstraint('attempts_pk', ['session_id', 'number'])
        .execute();
      await db.schema
        .createTable('events')
        .addColumn('id', sql`${serialId(dialect)}`)
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text')
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('details', 'text')
        .execute();
      await db.schema.createIndex('events_session').on('events').columns(['session_id', 'id']).execute();
      await db.schema
        .createTable('logs')
        .addColumn('id', sql`${serialId(dialect)}`)
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('msg', 'text', (c) => c.notNull())
        .addColumn('line', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('logs_session').on('logs').columns(['session_id', 'id']).execute();
      await db.schema
        .createTable('artifacts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('bytes', 'integer', (c) => c.notNull())
        .addColumn('duration_ms', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('artifacts_session').on('artifacts').column('session_id').execute();
    },
  };
}

export function migrations(dialect: Dialect): Record<string, Migration> {
  return { '0001_initial': initial(dialect) };
}
