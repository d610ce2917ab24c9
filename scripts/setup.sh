#!/usr/bin/env bash
# Create .venv and install the pinned dependencies (runtime, or dev with --dev).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
req=requirements.txt
[ "${1:-}" = "--dev" ] && req=requirements-dev.txt
# Reinstall only when the requirements changed since the last install.
stamp=".venv/.installed-$(basename "$req")-$(sha256sum requirements*.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$req"
  touch "$stamp"
fi
# The brief's fonts (strategy/brief.py): DejaVu Sans, and Droid Sans Fallback for Chinese,
# Japanese and Korean names; Debian's packages, installed when missing (root or sudo).
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] \
  || [ ! -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
      fonts-dejavu-core fonts-droid-fallback >/dev/null; } \
    || echo "warning: could not install fonts-dejavu-core fonts-droid-fallback: the PDF brief needs them" >&2
fi
