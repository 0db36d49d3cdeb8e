#!/usr/bin/env bash
# The one test command (README, `npm test`, .ci/run): install what the tests need, then typecheck,
# check import directions, build the editor, and run every test (unit, HTTP, queue, sandbox, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --test

echo "› typecheck"
pnpm exec tsc -p tsconfig.json --noEmit
echo "› lint (eslint + import directions)"
pnpm exec eslint --quiet .
pnpm exec depcruise packages --config .dependency-cruiser.cjs --output-type err
echo "› building the editor"
pnpm --filter @splice/editor build >/dev/null
echo "› tests"
mkdir -p test-artifacts
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json "$@" || status=$?
node scripts/test-summary.mjs test-artifacts/vitest.json || true
exit $status
