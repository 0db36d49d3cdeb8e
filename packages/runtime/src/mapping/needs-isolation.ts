/**
 * Thrown by an inline evaluation (on the caller's thread) that reached one of the inline bounds: its time
 * slice, a sequence or argument size past what may run without preemption. Not an error a user sees: the
 * evaluator runs the expression again in isolation (a worker thread with hard time and memory limits).
 * Mappings are pure, so running again is safe. Compiled code throws it too when it cannot stay inline.
 */
export class NeedsIsolation extends Error {
  constructor(readonly reason: string) {
    super(`inline evaluation stopped at ${reason}; it continues in isolation`);
    this.name = 'NeedsIsolation';
  }
}
