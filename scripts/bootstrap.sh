#!/usr/bin/env bash
# Brings a fresh machine (Node.js and npm only) to what Splice needs: pnpm 12.4.2, the workspace's
# packages (native ones built against the local Node headers), and, with --test, Chromium and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
[ "${1:-}" = "--test" ] && want_test=true

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "12.4.2" ]; then
  echo "› installing pnpm 12.4.2"
  npm i -g pnpm@12.4.2 >/dev/null
fi

# better-sqlite3 is compiled on install; point node-gyp at the installed headers instead of downloading them.
if [ -d /usr/include/node ]; then export npm_config_nodedir=/usr; fi
echo "› installing packages"
CI=true pnpm install --frozen-lockfile --reporter=silent

if $want_test; then
  if [ ! -x /usr/bin/chromium ]; then
    echo "› installing Chromium for the browser tests"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    echo "› starting PostgreSQL"
    if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
      as_root apt-get update -qq
      DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
    fi
    ver=$(ls /etc/postgresql | sort -V | tail -n 1)
    as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
fi
