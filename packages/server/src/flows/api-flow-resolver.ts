import type { ActiveFlow, FlowResolver, RevisionRef } from '../intake/flow-resolver';
import { statement, type Sql } from '../storage/sql';
import type { FlowService } from './flow-service';

/**
 * The FlowResolver of a server whose flows live in the API's store. Webhooks for flow `<id>` arrive at
 * `/hooks/<id>` and are taken only while the flow is active; the revision that runs is the one deployed
 * to production, else to staging (FlowService.runTarget). Workers get exactly the queued revision.
 */
// FlowService.runTarget in one statement: intake asks this for every delivery.
const activeTarget = statement(`
  SELECT f.id,
    (SELECT d.revision FROM deployments d WHERE d.flow_id = f.id AND d.environment = 'production') AS production,
    (SELECT d.revision FROM deployments d WHERE d.flow_id = f.id AND d.environment = 'staging') AS staging
  FROM flows f WHERE f.id = :id AND f.active = 1`);

export class ApiFlowResolver implements FlowResolver {
  constructor(
    private readonly service: FlowService,
    private readonly sql: Sql,
  ) {}

  async findActiveRef(name: string): Promise<RevisionRef | undefined> {
    const row = (await this.sql.run<{ id: string; production: number | null; staging: number | null }>(activeTarget, { id: name })).rows[0];
    if (!row) return undefined;
    if (row.production !== null) return { flowId: row.id, revision: Number(row.production), environment: 'production' };
    if (row.staging !== null) return { flowId: row.id, revision: Number(row.staging), environment: 'staging' };
    return undefined;
  }

  async findActive(name: string): Promise<ActiveFlow | undefined> {
    const ref = await this.findActiveRef(name);
    return ref ? this.getRevision(ref) : undefined;
  }

  async getRevision(ref: RevisionRef): Promise<ActiveFlow | undefined> {
    let yaml: string;
    try {
      yaml = (await this.service.deps.flows.revision(ref.flowId, ref.revision)).yaml;
    } catch {
      return undefined;
    }
    const { flow } = await this.service.validate(yaml, { file: `${ref.flowId}.yaml` });
    if (!flow) return undefined;
    return {
      flowId: ref.flowId,
      name: ref.flowId,
      revision: ref.revision,
      ...(ref.environment ? { environment: ref.environment } : {}),
      flow,
    };
  }
}
