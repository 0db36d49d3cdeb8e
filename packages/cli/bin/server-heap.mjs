// Heap limits for the long-running commands (`splice serve`, `splice start`). Under load the server keeps
// ~25 MB of live objects, yet V8's defaults (sized for throughput on big machines) let its heap reach
// 90-110 MB: a 32 MB young generation and old-generation garbage piling up to several times the live
// size before a full collection, so RSS swung between 140 and 200 MB (DEVELOPERS.md: ≤ 150 MB).
//
// Node reads heap-size flags only at start (the bin is run as `node splice.mjs`, so it cannot pass
// them), but these two are read by V8 at every collection, so setting them here, before the server
// allocates, takes effect:
// - `--heap-growing-percent`: a full collection once the old generation grew this much over what was
//   live after the last one (marking runs concurrently on a helper thread);
// - the young generation grows (doubling) up to `youngCapMb`, then stops: requests' short-lived objects
//   still die young, with at most a few more scavenges.
// SPLICE_HEAP_GROWING_PERCENT / SPLICE_YOUNG_GENERATION_MB override them; 0 keeps V8's default.
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

export function limitServerHeap(env = process.env) {
  const growingPercent = Number(env.SPLICE_HEAP_GROWING_PERCENT ?? 30);
  if (Number.isInteger(growingPercent) && growingPercent > 0) setFlagsFromString(`--heap-growing-percent=${growingPercent}`);

  const youngCapMb = Number(env.SPLICE_YOUNG_GENERATION_MB ?? 8);
  if (!Number.isFinite(youngCapMb) || youngCapMb <= 0) return;
  const youngSize = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
  const check = () => {
    if (youngSize() < youngCapMb * 1048576) return;
    setFlagsFromString('--semi-space-growth-factor=1');
    clearInterval(timer);
  };
  const timer = setInterval(check, 100);
  timer.unref();
}
