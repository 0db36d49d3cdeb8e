/**
 * Table types for Kysely. Each module that owns tables adds its interface here and a migration in
 * migrations/. Timestamps are ISO-8601 strings (same in SQLite and PostgreSQL); JSON is stored as text.
 */
export interface SpliceSchema {
  // filled in by each module: credentials, flows, revisions, runs, jobs, events, ...
  [table: string]: Record<string, unknown>;
}
