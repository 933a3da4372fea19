#!/usr/bin/env bash
# Bro's two everyday commands, for a fresh machine with Python 3.12+:
#   ./bro run    install into .venv (from the lock file), migrate, build the Danish demo data, serve on :8000
#   ./bro test   install into .venv (with the test tools) and run the test suite
#   ./bro lock   after a dependency change in pyproject.toml: write the lock files again
# Installs use uv (the one on PATH, or the version pinned in requirements-uv.txt, fetched by the
# Python's pip with its hashes checked); BRO_NO_UV=1, or no way to get uv, installs with pip.
# Anything after the command goes to runserver / pytest, e.g. ./bro test tests/org -x
set -euo pipefail
cd "$(dirname "$0")"

VENV="${BRO_VENV:-.venv}"

find_python() {
  local candidate
  for candidate in python3.13 python3.12 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  echo "Bro needs Python 3.12 or newer (Django 6). Install it and try again." >&2
  exit 1
}

# The exact versions, with hashes: the app's (requirements.txt) and with the dev tools too.
RUN_LOCK=requirements.txt
DEV_LOCK=requirements-dev.txt
# uv, pinned with its hashes (requirements-uv.txt): it downloads in parallel and installs in
# seconds what pip takes minutes for, checking the same hashes from the same lock files.
UV_LOCK=requirements-uv.txt

installed() {  # installed <lock>: true when that lock (or a superset) is installed and current
  local stamp="$VENV/.bro-installed-$1"
  [ -f "$stamp" ] && [ ! "$1" -nt "$stamp" ] && [ ! pyproject.toml -nt "$stamp" ]
}

find_uv() {  # print the uv to install with: one on PATH, else the pinned one (fetched once)
  if [ -n "${BRO_NO_UV:-}" ]; then
    return 1
  fi
  if command -v uv >/dev/null 2>&1; then
    command -v uv
    return
  fi
  local uv="$VENV/.bro-uv/bin/uv"
  if [ ! -x "$uv" ]; then
    # With the Python's own pip (the virtual environment has none yet), hash-checked.
    "$PYTHON" -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
      --target "$VENV/.bro-uv" -r "$UV_LOCK" >/dev/null 2>&1 || return 1
  fi
  [ -x "$uv" ] && echo "$uv"
}

install() {  # install <lock>
  local lock="$1" uv total
  if installed "$lock" || { [ "$lock" = "$RUN_LOCK" ] && installed "$DEV_LOCK"; }; then
    return
  fi
  PYTHON="$(find_python)"
  if [ ! -x "$VENV/bin/python" ]; then
    echo "==> Making a virtual environment in $VENV"
    # Without pip: uv installs; pip is added below only when uv cannot be had.
    "$PYTHON" -m venv --without-pip "$VENV"
  fi
  total="$(grep -c '^[A-Za-z0-9]' "$lock")"
  # (The project itself is not installed: manage.py and pytest run it from this folder.)
  if uv="$(find_uv)"; then
    echo "==> Installing $total locked packages from $lock with uv (every hash checked)"
    # uv's summary lines, not its line per package; its errors come through.
    "$uv" pip install --python "$VENV/bin/python" --require-hashes --no-deps -r "$lock" 2>&1 |
      awk '/^ [+-] |^Download/ { next } { print "    " $0; fflush() }'
    [ "${PIPESTATUS[0]}" = 0 ] || exit 1
  else
    "$VENV/bin/python" -m pip --version >/dev/null 2>&1 || "$VENV/bin/python" -m ensurepip >/dev/null ||
      { echo "Neither uv nor pip could be had: install uv, or python3-venv (Debian)." >&2; exit 1; }
    echo "==> Installing $total locked packages from $lock with pip (every hash checked)"
    # One counting line instead of pip's few hundred; pip's own errors still come through.
    PYTHONUNBUFFERED=1 "$VENV/bin/python" -m pip install --require-hashes --no-deps -r "$lock" 2>&1 |
      awk -v total="$total" '
        /^Collecting / { n++; printf "\r    %d of %d fetched or found in the cache", n, total; fflush() }
        /^Installing collected packages/ { printf "\n    installing them…\n"; fflush() }
        /^(ERROR|error|Hashes|    [a-z0-9_.-]+==)/ { print }'
    [ "${PIPESTATUS[0]}" = 0 ] || exit 1
  fi
  touch "$VENV/.bro-installed-$lock"
  echo "==> Installed (${SECONDS} s since start)"
}

command="${1:-}"
shift || true
case "$command" in
  run)
    install "$RUN_LOCK"
    echo "==> Preparing the database (migrations) and building the demo municipality (${SECONDS} s since start)"
    # One process for both (Django is imported once); the system checks run once, in the
    # server below. The logins table is the last thing printed before the server's own lines.
    "$VENV/bin/python" manage.py seed_demo --migrate --skip-checks
    exec "$VENV/bin/python" manage.py serve "${@:-127.0.0.1:8000}"
    ;;
  test)
    install "$DEV_LOCK"
    exec "$VENV/bin/python" -m pytest -n "${BRO_TEST_WORKERS:-2}" "$@"
    ;;
  lock)
    # After changing pyproject.toml's dependencies: write both lock files again (anything
    # after `lock` goes to pip-compile, e.g. ./bro lock --upgrade-package django).
    install "$DEV_LOCK"
    for extra in "" dev; do
      out="requirements${extra:+-$extra}.txt"
      CUSTOM_COMPILE_COMMAND="./bro lock" "$VENV/bin/pip-compile" --quiet --generate-hashes \
        --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links \
        ${extra:+--extra "$extra"} -o "$out" "$@" pyproject.toml
      echo "==> $out written"
    done
    # uv itself, pinned with the hashes of its wheels for every platform (requirements-uv.in
    # names the version; raise it there and run ./bro lock).
    CUSTOM_COMPILE_COMMAND="./bro lock" "$VENV/bin/pip-compile" --quiet --generate-hashes \
      --strip-extras --no-emit-index-url --no-emit-find-links -o "$UV_LOCK" requirements-uv.in
    echo "==> $UV_LOCK written"
    ;;
  *)
    echo "usage: ./bro run | ./bro test [pytest args] | ./bro lock [pip-compile args]" >&2
    exit 2
    ;;
esac
