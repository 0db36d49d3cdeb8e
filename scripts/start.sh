#!/usr/bin/env bash
# The one start command (README, `npm start`): install, build the editor, then `splice start`, which runs
# the sandbox (seeded with demo data), the server on an embedded SQLite file under .splice/, the templates and the editor.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
pnpm --filter @splice/editor build >/dev/null
exec pnpm exec splice start "$@"
