#!/usr/bin/env bash
# Create (idempotently) the benchmark-only virtualenv holding the eventsourcing
# library. It is never a project dependency. Override the location with BENCH_VENV.
set -euo pipefail

BENCH_VENV="${BENCH_VENV:-/work/.venv-bench}"
PYTHON="${PYTHON:-python3}"
SPEC='eventsourcing>=9.5,<9.6'

if [ ! -x "$BENCH_VENV/bin/python" ]; then
    "$PYTHON" -m venv "$BENCH_VENV"
fi

if ! "$BENCH_VENV/bin/python" - <<'PY' 2>/dev/null
import importlib.metadata as m
v = tuple(int(p) for p in m.version("eventsourcing").split(".")[:2])
raise SystemExit(0 if v == (9, 5) else 1)
PY
then
    "$BENCH_VENV/bin/pip" install --quiet --disable-pip-version-check "$SPEC"
fi

"$BENCH_VENV/bin/python" -c \
    'import importlib.metadata as m; print("eventsourcing", m.version("eventsourcing"))'
