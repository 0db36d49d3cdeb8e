import type { Migration } from 'kysely';
import { credentialsMigration } from './0010-credentials';
import { flowsMigration } from './0050-flows';
import { runsQueueMigration } from './0100-runs-queue';
import { insightsMigration } from './0080-insights';
import { insightsSnapshotCommitMigration } from './0110-insights-snapshot-commit';
import { credentialLocationsMigration } from './0120-credential-locations';
import { jobsLeasesMigration } from './0120-jobs-leases';

/**
 * Every migration, in order. Append only: names sort lexically and a migration never changes after it
 * shipped. Import each module's migration file and add it with a zero-padded numeric prefix. Pending
 * migrations run even when one that sorts later already ran (database.ts), so numbers need not be taken
 * in landing order; migrations must not depend on one another except through numbers already on main.
 */
export const migrations: Record<string, Migration> = {
  '0010-credentials': credentialsMigration,
  '0050-flows': flowsMigration,
  '0100-runs-queue': runsQueueMigration,
  '0080-insights': insightsMigration,
  '0110-insights-snapshot-commit': insightsSnapshotCommitMigration,
  '0120-credential-locations': credentialLocationsMigration,
  '0120-jobs-leases': jobsLeasesMigration,
};
