import type { MappingLimits } from '../mapping/budget';
import type { MappingBindings } from '../mapping/evaluate';

/** One evaluation sent to the mapping worker (structured-cloned: plain JSON values only). */
export interface WorkerRequest {
  id: number;
  source: string;
  input: unknown;
  bindings: MappingBindings;
  limits: MappingLimits;
  /** Own time the expression already used inline before it moved here. */
  spentMs: number;
}

export type WorkerReply =
  | { ready: true; id?: undefined }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { code: string; message: string; details?: Record<string, unknown> } };
