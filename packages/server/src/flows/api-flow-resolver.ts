import type { ActiveFlow, FlowResolver } from '../intake/flow-resolver';
import type { FlowService } from './flow-service';

/**
 * The FlowResolver of a server whose flows live in the API's store. Webhooks for flow `<id>` arrive at
 * `/hooks/<id>` and are taken only while the flow is active; the revision that runs is the one deployed
 * to production, else to staging (FlowService.runTarget). Workers get exactly the queued revision.
 */
export class ApiFlowResolver implements FlowResolver {
  constructor(private readonly service: FlowService) {}

  async findActive(name: string): Promise<ActiveFlow | undefined> {
    const stored = await this.service.deps.flows.find(name);
    if (!stored?.active) return undefined;
    const target = await this.service.runTarget(stored.id);
    if (!target) return undefined;
    return this.getRevision({ flowId: stored.id, revision: target.revision, environment: target.environment });
  }

  async getRevision(ref: { flowId: string; revision: number; environment?: string }): Promise<ActiveFlow | undefined> {
    let yaml: string;
    try {
      yaml = (await this.service.deps.flows.revision(ref.flowId, ref.revision)).yaml;
    } catch {
      return undefined;
    }
    const { flow } = await this.service.validate(yaml, { file: `${ref.flowId}.yaml` });
    if (!flow) return undefined;
    return { flowId: ref.flowId, name: ref.flowId, revision: ref.revision, ...(ref.environment ? { environment: ref.environment } : {}), flow };
  }
}
