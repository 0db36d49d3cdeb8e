import type { Flow } from '@splice/runtime';

/**
 * How intake and workers find flows. The API's flow store (flows stored as YAML revisions, activated per
 * environment) implements this; `StaticFlowResolver` serves flows given in code or loaded from files.
 */
export interface ActiveFlow {
  /** Stable flow id (the API store's id; the flow name for static flows). */
  flowId: string;
  /** `metadata.name`: webhooks for it arrive at `/hooks/<name>`. */
  name: string;
  /** The revision that runs: a queued run keeps the revision it was queued with. */
  revision: number;
  /** `staging` or `production` (undefined: the default environment). */
  environment?: string;
  flow: Flow;
}

/** Which revision of which flow runs, without the flow itself. */
export interface RevisionRef {
  flowId: string;
  revision: number;
  environment?: string;
}

export interface FlowResolver {
  /** The active flow taking webhooks at `/hooks/<name>`; undefined when none is active under that name. */
  findActive(name: string, opts?: { environment?: string }): Promise<ActiveFlow | undefined>;
  /**
   * Only which revision `findActive` would return (cheap: no text read, no parsing). A caching resolver
   * (revision-cache.ts) then serves the parsed revision from memory.
   */
  findActiveRef?(name: string, opts?: { environment?: string }): Promise<RevisionRef | undefined>;
  /** Exactly this revision (workers run what was queued, even after a newer revision is activated). */
  getRevision(ref: RevisionRef): Promise<ActiveFlow | undefined>;
}

/** Flows held in memory: tests, `splice serve --flows <dir>`, and the fallback before the API store is wired. */
export class StaticFlowResolver implements FlowResolver {
  private readonly byName = new Map<string, ActiveFlow>();

  constructor(flows: Array<Flow | ActiveFlow> = []) {
    for (const f of flows) this.add(f);
  }

  add(f: Flow | ActiveFlow): ActiveFlow {
    const active: ActiveFlow = 'flow' in f ? f : { flowId: f.metadata.name, name: f.metadata.name, revision: 1, flow: f };
    this.byName.set(active.name, active);
    return active;
  }

  remove(name: string): void {
    this.byName.delete(name);
  }

  list(): ActiveFlow[] {
    return [...this.byName.values()];
  }

  async findActive(name: string): Promise<ActiveFlow | undefined> {
    return this.byName.get(name);
  }

  async getRevision(ref: { flowId: string; revision: number }): Promise<ActiveFlow | undefined> {
    for (const f of this.byName.values()) if (f.flowId === ref.flowId && f.revision === ref.revision) return f;
    return undefined;
  }
}
