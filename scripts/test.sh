#!/usr/bin/env bash
# Install everything the tests need (Python packages, Debian's chromium for the browser
# journeys) and run every test: unit, page (AppTest) and end-to-end (real headless Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
# Debian's chromium for the browser journeys, and an emoji font so the screenshot has no boxes.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto color emoji"; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null
fi
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
