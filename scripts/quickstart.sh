#!/usr/bin/env bash
# Fresh machine to a working demo: install into ./.venv, ingest the example
# articles into the store (VNPOLICY_DB, or the default the command prints),
# then list the documents and meetings it found.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh

ensure_venv
pip_install -e .

# Tables are laid out for the terminal; piped into a log they would get 80 columns.
[ -t 1 ] || export COLUMNS="${COLUMNS:-120}"

echo "== vnpolicy ingest examples/"
.venv/bin/vnpolicy ingest examples/
echo
echo "== vnpolicy documents"
.venv/bin/vnpolicy documents
echo
echo "== vnpolicy events"
.venv/bin/vnpolicy events
