#!/bin/sh
# `make serve`: the scale deployment in one command - WORKERS gunicorn workers on DATABASE_URL (PostgreSQL)
# plus one scheduler process; stopping the command (Ctrl-C) stops both.
set -eu
if [ -z "${DATABASE_URL:-}" ]; then
    echo "请设置 DATABASE_URL（例如 postgresql://user@host:5432/qsflow）后再运行 make serve" >&2
    exit 1
fi
BIN=${BIN:-.venv/bin}
"$BIN/flask" --app wsgi db upgrade
# The web workers never run timers (QSFLOW_EMBEDDED_SCHEDULER unset); this one process does.
env -u QSFLOW_EMBEDDED_SCHEDULER "$BIN/flask" --app wsgi scheduler run &
scheduler=$!
trap 'kill "$scheduler" 2>/dev/null || true' EXIT INT TERM
env -u QSFLOW_EMBEDDED_SCHEDULER "$BIN/gunicorn" --workers "${WORKERS:-$(nproc 2>/dev/null || echo 2)}" --bind "${HOST:-127.0.0.1}:${PORT:-8000}" \
    --access-logfile - wsgi:app
