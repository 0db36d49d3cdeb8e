/**
 * Lets queued I/O and timers run. A microtask (await) is not enough: jsonata's evaluator only ever awaits
 * resolved promises, so a runaway expression would starve every other run in the process.
 * Browser-safe: setImmediate in Node, MessageChannel in browsers and Web Workers, setTimeout otherwise.
 */
type Scheduler = (fn: () => void) => void;

function pickScheduler(): Scheduler {
  const g = globalThis as { setImmediate?: (fn: () => void) => unknown; MessageChannel?: typeof MessageChannel };
  if (typeof g.setImmediate === 'function') {
    const si = g.setImmediate;
    return (fn) => void si(fn);
  }
  if (typeof g.MessageChannel === 'function') {
    const channel = new g.MessageChannel();
    const queue: Array<() => void> = [];
    channel.port1.onmessage = () => queue.shift()?.();
    return (fn) => {
      queue.push(fn);
      channel.port2.postMessage(0);
    };
  }
  return (fn) => void setTimeout(fn, 0);
}

const schedule = pickScheduler();

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => schedule(resolve));
}
