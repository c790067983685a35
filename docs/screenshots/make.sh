#!/usr/bin/env bash
# Renders the pictures in this folder from a fresh run (offscreen, about a minute):
#   bash docs/screenshots/make.sh
# Each picture is what `ddd-sim gui` shows; the options say how it was set up.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export QT_QPA_PLATFORM=offscreen
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
db="$work/shipping.db"
python="${PYTHON:-python}"
gui() { "$python" -m ddd_sim gui --db "$db" --size 1600x1000 --quit "$@"; }

# shipping goes down at t = 15 s: breakers trip, sagas compensate
gui --scenario shipping_failure --run-until 40 --at 30 --select shipping \
    --screenshot "$here/workbench.png"
gui --at 30 --focus timeline --event 1100 --screenshot "$here/timeline.png"
gui --at 30 --focus context_map --select shipping --screenshot "$here/context-map.png"
gui --at 30 --focus sagas --event 1100 --screenshot "$here/sagas.png"
gui --at 30 --focus event_store --event 1100 --screenshot "$here/event-store.png"
gui --at 30 --focus metrics --screenshot "$here/metrics.png"
gui --at 30 --focus faults --screenshot "$here/faults.png"

# a projection stalled: read models behind the log, stale rows marked
lag="$work/lag.db"
"$python" -m ddd_sim gui --db "$lag" --size 1600x1000 --quit --scenario projection_lag \
    --run-until 30 --at 25 --select sales --focus read_models \
    --screenshot "$here/read-models.png"
