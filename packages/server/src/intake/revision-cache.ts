import type { ActiveFlow, FlowResolver, RevisionRef } from './flow-resolver';

/**
 * Revisions never change once saved, so a parsed and validated revision can be kept: workers look up the
 * queued revision for every run, and parsing + validating YAML per run would cost more than the run.
 * Which revision is active is never cached (activation must take effect at once): each `findActive` asks
 * the inner resolver, through its cheap `findActiveRef` when it has one (one statement for intake's
 * every delivery), and serves the revision from here.
 */
export class CachingFlowResolver implements FlowResolver {
  private readonly cache = new Map<string, ActiveFlow>();

  constructor(
    readonly inner: FlowResolver,
    private readonly max = 256,
  ) {}

  async findActive(name: string, opts?: { environment?: string }): Promise<ActiveFlow | undefined> {
    if (this.inner.findActiveRef) {
      const ref = await this.inner.findActiveRef(name, opts);
      return ref ? this.getRevision(ref) : undefined;
    }
    const found = await this.inner.findActive(name, opts);
    if (found) this.remember(found);
    return found;
  }

  async getRevision(ref: RevisionRef): Promise<ActiveFlow | undefined> {
    const key = keyOf(ref);
    const hit = this.cache.get(key);
    if (hit) return hit;
    const found = await this.inner.getRevision(ref);
    if (found) this.remember(found);
    return found;
  }

  private remember(flow: ActiveFlow): void {
    if (this.cache.size >= this.max) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(keyOf(flow), flow);
  }
}

function keyOf(ref: RevisionRef): string {
  return `${ref.flowId}\u0000${ref.revision}\u0000${ref.environment ?? ''}`;
}
