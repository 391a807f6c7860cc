# Sourced by the other scripts: make sure ./.venv exists and works.
# PYTHON=/path/to/python3.11+ overrides the interpreter used to create it.

find_python() {
    local candidate
    for candidate in ${PYTHON:-} python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
           "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    echo "vnpolicy needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
    return 1
}

ensure_venv() {
    if ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        local python
        python=$(find_python)
        echo "creating .venv with $python" >&2
        rm -rf .venv
        "$python" -m venv .venv
    fi
}

# pip_install ARGS...: quiet install into .venv; pip's errors still reach the terminal.
pip_install() {
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@"
}
