#!/usr/bin/env bash
# Install and open the app. Without ROLLOUT_WORKSPACE it opens data/workspace/,
# seeded from the demo company (data/demo/) on first start.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/streamlit run app.py "$@"
