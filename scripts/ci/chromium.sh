#!/usr/bin/env bash
# Browser-test prerequisites (tests/test_browser.py): Debian's chromium, the Playwright
# client library, and axe-core for the accessibility checks. No `playwright install`:
# the tests drive /usr/bin/chromium. Run as root (CI image) from the repository root.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-dejavu-core
fi
PY=${PY:-.venv/bin/python}
"$PY" -m pip install --quiet playwright
if command -v npm >/dev/null && [ ! -f "$(npm root -g)/axe-core/axe.min.js" ]; then
  npm install -g axe-core || echo "axe-core not installed: the browser tests fall back to their own checks" >&2
fi
if ! command -v wrk >/dev/null; then  # load tool of bench/web_latency.py (optional)
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk || true
fi
/usr/bin/chromium --version
