import type { Generated } from 'kysely';

/**
 * Table shapes shared by every dialect. Times are ISO-8601 UTC strings (sortable as text in SQLite and
 * PostgreSQL alike); structured values are JSON text. Keeping to these types is what lets one query layer
 * serve both databases.
 */
export interface Database {
  companies: CompanyTable;
  sessions: SessionTable;
  attempts: AttemptTable;
  events: EventTable;
  logs: LogTable;
  artifacts: ArtifactTable;
}

export interface CompanyTable {
  id: string;
  name: string;
  assistant_address: string;
  settings: string;
  created_at: string;
  updated_at: string;
}

export interface SessionTable {
  id: string;
  company_id: string;
  provider: string;
  plan: string;
  meeting_url: string;
  title: string | null;
  requested_by: string | null;
  starts_at: string;
  ends_at: string;
  join_at: string;
  state: string;
  end_code: string | null;
  attempt: number;
  decision: string | null;
  worker_id: string | null;
  lease_until: string | null;
  created_at: string;
  updated_at: string;
}

export interface AttemptTable {
  session_id: string;
  number: number;
  reason: string;
  created_at: string;
  started_at: string | null;
  admitted_at: string | null;
  ended_at: string | null;
  end_code: string | null;
  worker_id: string | null;
}

export interface EventTable {
  id: Generated<number>;
  session_id: string;
  attempt: number;
  at: string;
  from_state: string | null;
  to_state: string | null;
  code: string;
  details: string | null;
}

export interface LogTable {
  id: Generated<number>;
  session_id: string;
  attempt: number;
  at: string;
  level: number;
  msg: string;
  line: string;
}

export interface ArtifactTable {
  id: string;
  session_id: string;
  attempt: number;
  kind: string;
  path: string;
  bytes: number;
  duration_ms: number | null;
  created_at: string;
}
