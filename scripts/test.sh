#!/usr/bin/env bash
# Install everything the tests need (Python packages, Debian's chromium for the browser
# journeys), start a throwaway PostgreSQL server, and run every test on both engines: unit,
# page (AppTest) and end-to-end (real headless Chromium). The server is stopped at the end.
#
# --quick: the check between edits. Unit and page tests on SQLite only: no browsers (tests/e2e),
# no killed processes (marker crash), no PostgreSQL (nothing installed or started for either),
# and each property test on a quarter of its generated examples. Other arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
if [ "${1:-}" = "--quick" ]; then
  shift
  export ROLLOUT_TEST_ENGINES=sqlite ROLLOUT_TEST_FUZZ_SHARE=${ROLLOUT_TEST_FUZZ_SHARE:-0.25}
  exec .venv/bin/python -m pytest -q -p no:cacheprovider -n "${TEST_WORKERS:-2}" --dist loadgroup \
    --ignore=tests/e2e -m "not e2e and not crash" "$@"
fi
# Debian's chromium for the browser journeys, and an emoji font so the screenshot has no boxes.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto color emoji"; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null
fi
# A throwaway PostgreSQL on a free loopback port (ROLLOUT_TEST_PG names your own instead).
if [ -z "${ROLLOUT_TEST_PG:-}" ]; then
  pgdir=$(mktemp -d)
  trap 'bash scripts/postgres.sh stop "$pgdir/pg"; rm -rf "$pgdir"' EXIT
  ROLLOUT_TEST_PG=$(bash scripts/postgres.sh start "$pgdir/pg" --fast)
  export ROLLOUT_TEST_PG
fi
# Two workers (pytest-xdist), handed tests one by one as they free up, so no slow file holds
# one while the other idles; the browser journeys stay together on one worker (xdist_group
# "browser": one server, one browser). TEST_WORKERS=1 runs it in one process.
.venv/bin/python -m pytest -q -p no:cacheprovider -n "${TEST_WORKERS:-2}" --dist loadgroup "$@"
