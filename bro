#!/usr/bin/env bash
# Bro's two everyday commands, for a fresh machine with Python 3.12+:
#   ./bro run    install into .venv, migrate, build the Danish demo data, serve on :8000
#   ./bro test   install into .venv (with the test tools) and run the test suite
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

install() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$(find_python)" -m venv "$VENV"
  fi
  # Reinstall only when the declared dependencies changed since the last install.
  local stamp="$VENV/.bro-installed"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e ".[dev]"
    touch "$stamp"
  fi
}

command="${1:-}"
shift || true
case "$command" in
  run)
    install
    "$VENV/bin/python" manage.py migrate --no-input
    "$VENV/bin/python" manage.py seed_demo
    exec "$VENV/bin/python" manage.py serve "${@:-127.0.0.1:8000}"
    ;;
  test)
    install
    exec "$VENV/bin/python" -m pytest -n "${BRO_TEST_WORKERS:-2}" "$@"
    ;;
  *)
    echo "usage: ./bro run | ./bro test [pytest args]" >&2
    exit 2
    ;;
esac
