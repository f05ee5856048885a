#!/usr/bin/env bash
# The README's `npm start`, checked the way a person would: start it, wait until the services are
# ready, run the README's smoke commands, then stop it with one Ctrl-C (SIGINT) and expect a clean exit.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
setsid npm start >"$log" 2>&1 &
pid=$!
cleanup() { kill -INT -- -"$pid" 2>/dev/null || true; }
trap cleanup EXIT

ready() { curl -fsS -o /dev/null "$1" 2>/dev/null; }
for _ in $(seq 1 120); do
  if ready http://localhost:8004/ready && ready http://localhost:8003/ready; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "npm start exited early:"; cat "$log"; exit 1; fi
  sleep 0.5
done
ready http://localhost:8003/ready || { echo "not ready after 60 s:"; tail -40 "$log"; exit 1; }

echo "+ curl http://localhost:8003/api/v1/pv/mini:current/value"
curl -fsS http://localhost:8003/api/v1/pv/mini:current/value; echo
echo "+ curl -X POST http://localhost:8003/api/v1/pv/set …"
curl -fsS -X POST http://localhost:8003/api/v1/pv/set -H 'Content-Type: application/json' \
  -d '{"pv_name":"mini:dot:mtrx","value":3.14}'; echo
echo "+ curl http://localhost:8004/api/v1/devices/sim_mtr1"
curl -fsS http://localhost:8004/api/v1/devices/sim_mtr1 >/dev/null && echo ok

trap - EXIT
kill -INT -- -"$pid"
# 130 is how a shell reports a command ended by Ctrl-C (npm itself gets the SIGINT too).
status=0
wait "$pid" || status=$?
if [[ $status == 0 || $status == 130 ]] && grep -q 'every component stopped' "$log"; then
  echo "npm start stopped cleanly (exit $status)"
else
  echo "npm start did not stop cleanly (exit $status):"
  tail -20 "$log"
  exit 1
fi
