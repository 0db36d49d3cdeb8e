// Prints the plain closing line `Tests: N passed, N failed, N skipped` from vitest's JSON report,
// so CI logs end with a summary any reader (or tool) understands.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
try {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
} catch (err) {
  console.log(`Tests: no report at ${file} (${err.message})`);
  process.exit(1);
}
