// Entry of the mapping worker when Splice runs from its TypeScript sources (tests, `SPLICE_NO_BUNDLE=1`):
// the worker thread starts without the parent's loader, so it registers tsx before loading the worker.
// The CLI bundle ships a bundled worker instead (packages/cli/bin/bundle.mjs) and never loads this file.
import { register } from 'tsx/esm/api';

register();
await import('./mapping-worker.ts');
