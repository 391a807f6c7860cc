#!/usr/bin/env bash
# Install vnpolicy with its test extra into ./.venv and run the test suite.
# Extra arguments go to pytest. The shared material (gold set) is read from
# VNPOLICY_SHARED, or ../shared beside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh

ensure_venv
pip_install -e ".[test]"

status=0
.venv/bin/python -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: counted as a failure" >&2
fi
exit "$status"
