#!/usr/bin/env bash
# Sets up and starts the desk on the demo data set: the embedded default (local SQLite store, a local hub on
# 127.0.0.1:8112) with the Kabupaten Banjar region from ../shared/regions/banjar and the call simulator.
# Without a display it renders one screenshot instead (demo-screenshot.png) and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
DATA=${OPERATOR_DESK_DEMO:-$HOME/.local/share/operator-desk-demo}
REGION=${OPERATOR_DESK_REGION:-$(cd .. && pwd)/shared/regions/banjar}
PORT=${OPERATOR_DESK_HUB_PORT:-8112}
HUB="http://127.0.0.1:$PORT"
mkdir -p "$DATA/desk" "$DATA/hub"
[ -d "$REGION" ] || { echo "demo: region folder not found: $REGION (set OPERATOR_DESK_REGION)" >&2; exit 1; }

# The local hub: enrol this desk once, then run the hub for as long as the desk runs.
if [ ! -f "$DATA/desk/.joined" ]; then
  TOKEN=$(.venv/bin/operator-desk-server enroll --data-dir "$DATA/hub" --site "Desk 1" | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  .venv/bin/operator-desk join --data-dir "$DATA/desk" --server "$HUB" --token "$TOKEN" >/dev/null
  touch "$DATA/desk/.joined"
fi
# The demo's own account (a real desk has no default password: its first start asks for the first admin).
DEMO_USER=${OPERATOR_DESK_DEMO_USER:-Demo}
DEMO_PASSWORD=${OPERATOR_DESK_DEMO_PASSWORD:-demo-112-banjar}
if [ ! -f "$DATA/desk/.accounts" ]; then
  printf '%s\n' "$DEMO_PASSWORD" | .venv/bin/operator-desk accounts add --data-dir "$DATA/desk" \
    --name "$DEMO_USER" --role admin >/dev/null
  touch "$DATA/desk/.accounts"
fi
echo "demo: logged in as $DEMO_USER (admin); its password is $DEMO_PASSWORD (log out / switch user in the toolbar)"
.venv/bin/operator-desk-server --data-dir "$DATA/hub" --host 127.0.0.1 --port "$PORT" >"$DATA/hub/hub.log" 2>&1 &
HUB_PID=$!
trap 'kill $HUB_PID 2>/dev/null || true' EXIT
# Fail loudly when the hub cannot start (port taken, bad data dir): never a desk that only looks online.
for _ in $(seq 1 100); do
  if ! kill -0 "$HUB_PID" 2>/dev/null; then
    echo "demo: the local hub did not start (port $PORT taken? set OPERATOR_DESK_HUB_PORT). Its log:" >&2
    tail -n 5 "$DATA/hub/hub.log" >&2; exit 1
  fi
  .venv/bin/python -c "import sys, urllib.request, json; sys.exit(0 if json.load(urllib.request.urlopen('$HUB/health', timeout=1)).get('ok') is True else 1)" 2>/dev/null && break
  sleep 0.1
done
kill -0 "$HUB_PID" 2>/dev/null || { echo "demo: the local hub stopped at start; see $DATA/hub/hub.log" >&2; exit 1; }

ARGS=(--data-dir "$DATA/desk" --region "$REGION" --demo --call-source simulator --server "$HUB")
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "demo: no display here; rendering the desk to demo-screenshot.png instead (QT_QPA_PLATFORM=offscreen)"
  printf '%s\n' "$DEMO_PASSWORD" | QT_QPA_PLATFORM=offscreen .venv/bin/operator-desk "${ARGS[@]}" \
    --login "$DEMO_USER" --screenshot demo-screenshot.png
else
  printf '%s\n' "$DEMO_PASSWORD" | .venv/bin/operator-desk "${ARGS[@]}" --login "$DEMO_USER" "$@"
fi
