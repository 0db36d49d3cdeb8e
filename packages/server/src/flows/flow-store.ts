import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { ConflictError, NotFoundError, ServerError } from '../errors';
import type { SpliceDb } from '../storage/database';
import { readFlowHeader, yamlProblem } from './flow-header';

/**
 * Flows as YAML text, verbatim: every save is a numbered revision (author, message, time); rollback
 * makes a NEW revision with an old text, so history is never rewritten. Nothing here re-serialises YAML.
 */
export interface StoredFlow {
  id: string;
  active: boolean;
  headRevision: number;
  createdAt: string;
  updatedAt: string;
}
export interface StoredRevision {
  flowId: string;
  revision: number;
  yaml: string;
  author: string;
  message: string;
  rolledBackFrom?: number;
  createdAt: string;
}
export interface SaveResult {
  flow: StoredFlow;
  revision: StoredRevision;
  created: boolean;
}

const FLOW_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export class FlowStore {
  constructor(private readonly db: SpliceDb) {}

  async list(): Promise<StoredFlow[]> {
    const rows = await this.db.selectFrom('flows').selectAll().orderBy('id').execute();
    return rows.map(toFlow);
  }

  async find(id: string): Promise<StoredFlow | undefined> {
    const row = await this.db.selectFrom('flows').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toFlow(row) : undefined;
  }

  async get(id: string): Promise<StoredFlow> {
    const flow = await this.find(id);
    if (!flow) throw new NotFoundError('Flow', id);
    return flow;
  }

  /** Creates a flow with revision 1. The id defaults to the text's `metadata.name`. */
  async create(input: { yaml: string; id?: string; author?: string; message?: string }): Promise<SaveResult> {
    try {
      return await this.createOnce(input);
    } catch (err) {
      // Another process created the same id between our check and insert.
      if (isUniqueViolation(err)) throw new ConflictError('FLOW_EXISTS', `Flow "${input.id ?? readFlowHeader(input.yaml).name}" already exists. Save a new revision with PUT, or choose another id.`);
      throw err;
    }
  }

  private async createOnce(input: { yaml: string; id?: string; author?: string; message?: string }): Promise<SaveResult> {
    assertText(input.yaml);
    const id = input.id ?? readFlowHeader(input.yaml).name;
    const problem = id ? undefined : yamlProblem(input.yaml);
    if (problem) {
      throw new ServerError('FLOW_YAML_INVALID', `flow.yaml:${problem.line}:${problem.col}: ${problem.message}. Fix the text and send it again.`, 422, {
        path: 'body.yaml',
        location: { file: 'flow.yaml', line: problem.line, col: problem.col },
      });
    }
    if (!id) {
      throw new ServerError('INVALID_REQUEST', 'The flow has no id: give `id` in the request or `metadata.name` in the YAML.', 422, { path: 'body.id' });
    }
    if (!FLOW_ID.test(id)) {
      throw new ServerError('INVALID_REQUEST', `Flow id "${id}" is not valid: use lower-case letters, digits and dashes (e.g. "location-tags").`, 422, { path: 'body.id' });
    }
    const now = new Date().toISOString();
    return this.db.transaction().execute(async (trx) => {
      const exists = await trx.selectFrom('flows').select('id').where('id', '=', id).executeTakeFirst();
      if (exists) throw new ConflictError('FLOW_EXISTS', `Flow "${id}" already exists. Save a new revision with PUT /api/flows/${id}, or choose another id.`);
      await trx.insertInto('flows').values({ id, active: 0, head_revision: 1, created_at: now, updated_at: now }).execute();
      const rev = { flow_id: id, revision: 1, yaml: input.yaml, author: input.author ?? 'admin', message: input.message ?? 'Created', rolled_back_from: null, created_at: now };
      await trx.insertInto('flow_revisions').values(rev).execute();
      return { flow: { id, active: false, headRevision: 1, createdAt: now, updatedAt: now }, revision: toRevision(rev), created: true };
    });
  }

  /** Saves a new revision; no revision when the text equals the head. `baseRevision` guards lost updates. */
  async save(id: string, input: { yaml: string; author?: string; message?: string; baseRevision?: number; rolledBackFrom?: number }): Promise<SaveResult> {
    try {
      return await this.saveOnce(id, input);
    } catch (err) {
      // Another process saved the same next revision first: the caller must reload and merge.
      if (isUniqueViolation(err)) throw new ConflictError('REVISION_CONFLICT', `Flow "${id}" was saved by someone else at the same time. Reload it, merge your edit and save again.`);
      throw err;
    }
  }

  private async saveOnce(id: string, input: { yaml: string; author?: string; message?: string; baseRevision?: number; rolledBackFrom?: number }): Promise<SaveResult> {
    assertText(input.yaml);
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('flows').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new NotFoundError('Flow', id);
      if (input.baseRevision !== undefined && input.baseRevision !== row.head_revision) {
        throw new ConflictError(
          'REVISION_CONFLICT',
          `Flow "${id}" changed since revision ${input.baseRevision} (head is now ${row.head_revision}). Reload it, merge your edit and save again.`,
        );
      }
      const head = await trx.selectFrom('flow_revisions').selectAll().where('flow_id', '=', id).where('revision', '=', row.head_revision).executeTakeFirstOrThrow();
      if (head.yaml === input.yaml && input.rolledBackFrom === undefined) {
        return { flow: toFlow(row), revision: toRevision(head), created: false };
      }
      const now = new Date().toISOString();
      const next = row.head_revision + 1;
      const rev = {
        flow_id: id,
        revision: next,
        yaml: input.yaml,
        author: input.author ?? 'admin',
        message: input.message ?? (input.rolledBackFrom ? `Rollback to revision ${input.rolledBackFrom}` : `Revision ${next}`),
        rolled_back_from: input.rolledBackFrom ?? null,
        created_at: now,
      };
      await trx.insertInto('flow_revisions').values(rev).execute();
      await trx.updateTable('flows').set({ head_revision: next, updated_at: now }).where('id', '=', id).execute();
      return { flow: { ...toFlow(row), headRevision: next, updatedAt: now }, revision: toRevision(rev), created: true };
    });
  }

  async rollback(id: string, revision: number, opts: { author?: string; message?: string } = {}): Promise<SaveResult> {
    const old = await this.revision(id, revision);
    return this.save(id, { yaml: old.yaml, author: opts.author, message: opts.message, rolledBackFrom: revision });
  }

  async remove(id: string): Promise<void> {
    await this.get(id);
    await this.db.transaction().execute(async (trx) => {
      for (const t of ['flow_revisions', 'flow_tests', 'deployments'] as const) await trx.deleteFrom(t).where('flow_id', '=', id).execute();
      await trx.deleteFrom('schedule_ticks').where('flow_id', '=', id).execute();
      await trx.deleteFrom('flows').where('id', '=', id).execute();
    });
  }

  async setActive(id: string, active: boolean): Promise<StoredFlow> {
    await this.get(id);
    const now = new Date().toISOString();
    await this.db.updateTable('flows').set({ active: active ? 1 : 0, updated_at: now }).where('id', '=', id).execute();
    return this.get(id);
  }

  async revisions(id: string): Promise<StoredRevision[]> {
    await this.get(id);
    const rows = await this.db.selectFrom('flow_revisions').selectAll().where('flow_id', '=', id).orderBy('revision', 'desc').execute();
    return rows.map(toRevision);
  }

  async revision(id: string, revision: number): Promise<StoredRevision> {
    const row = await this.db.selectFrom('flow_revisions').selectAll().where('flow_id', '=', id).where('revision', '=', revision).executeTakeFirst();
    if (!row) {
      await this.get(id);
      throw new ServerError('NOT_FOUND', `Flow "${id}" has no revision ${revision}. List its revisions with GET /api/flows/${id}/revisions.`, 404);
    }
    return toRevision(row);
  }

  async head(id: string): Promise<StoredRevision> {
    const flow = await this.get(id);
    return this.revision(id, flow.headRevision);
  }

  /** Unified diff between two revisions (git style, 3 lines of context). */
  async diff(id: string, from: number, to: number): Promise<string> {
    // `to` first: when both are missing, the error names the one the caller asked for.
    const b = await this.revision(id, to);
    const a = await this.revision(id, from);
    if (a.yaml === b.yaml) return '';
    return createTwoFilesPatch(`${id}.yaml@${from}`, `${id}.yaml@${to}`, a.yaml, b.yaml, a.createdAt, b.createdAt, { context: 3, headerOptions: FILE_HEADERS_ONLY });
  }

  async tests(id: string): Promise<{ yaml: string; updatedAt: string } | undefined> {
    const row = await this.db.selectFrom('flow_tests').selectAll().where('flow_id', '=', id).executeTakeFirst();
    return row ? { yaml: row.yaml, updatedAt: row.updated_at } : undefined;
  }

  async putTests(id: string, yaml: string): Promise<{ yaml: string; updatedAt: string }> {
    await this.get(id);
    assertText(yaml, 'body.yaml');
    const now = new Date().toISOString();
    await this.db
      .insertInto('flow_tests')
      .values({ flow_id: id, yaml, updated_at: now })
      .onConflict((oc) => oc.column('flow_id').doUpdateSet({ yaml, updated_at: now }))
      .execute();
    return { yaml, updatedAt: now };
  }

  async deleteTests(id: string): Promise<void> {
    await this.db.deleteFrom('flow_tests').where('flow_id', '=', id).execute();
  }
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed|duplicate key/.test(String(e?.message));
}

function assertText(yaml: unknown, path = 'body.yaml'): asserts yaml is string {
  if (typeof yaml !== 'string' || yaml.trim() === '') {
    throw new ServerError('INVALID_REQUEST', 'Send the flow as YAML text in `yaml` (a non-empty string).', 422, { path });
  }
}

function toFlow(r: { id: string; active: number; head_revision: number; created_at: string; updated_at: string }): StoredFlow {
  return { id: r.id, active: r.active === 1, headRevision: r.head_revision, createdAt: r.created_at, updatedAt: r.updated_at };
}

function toRevision(r: { flow_id: string; revision: number; yaml: string; author: string; message: string; rolled_back_from: number | null; created_at: string }): StoredRevision {
  return {
    flowId: r.flow_id,
    revision: r.revision,
    yaml: r.yaml,
    author: r.author,
    message: r.message,
    ...(r.rolled_back_from != null ? { rolledBackFrom: r.rolled_back_from } : {}),
    createdAt: r.created_at,
  };
}
