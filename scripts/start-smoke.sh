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
# The supervisor prints "N components are up" once every component reported ready.
for _ in $(seq 1 120); do
  if grep -qE 'components are up:$' "$log"; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "npm start exited early:"; cat "$log"; exit 1; fi
  sleep 0.5
done
ready http://localhost:8003/ready || { echo "not ready after 60 s:"; tail -40 "$log"; exit 1; }
ready http://localhost:60610/ready || { echo "the queue server is not ready:"; tail -40 "$log"; exit 1; }

echo "+ curl http://localhost:8003/api/v1/pv/mini:current/value"
curl -fsS http://localhost:8003/api/v1/pv/mini:current/value; echo
echo "+ curl -X POST http://localhost:8003/api/v1/pv/set …"
curl -fsS -X POST http://localhost:8003/api/v1/pv/set -H 'Content-Type: application/json' \
  -d '{"pv_name":"mini:dot:mtrx","value":3.14}'; echo
echo "+ curl http://localhost:8004/api/v1/devices/sim_mtr1"
curl -fsS http://localhost:8004/api/v1/devices/sim_mtr1 >/dev/null && echo ok
# The queue server's key is made for this run and printed with the URLs (unless the environment set
# QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY, which is then used).
key=${QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY:-$(grep -oE 'API key: [0-9a-f]{32}' "$log" | head -1 | cut -d' ' -f3)}
[[ -n $key ]] || { echo "no queue server API key printed:"; grep -E '^up ' "$log"; exit 1; }
echo "+ curl -H 'Authorization: ApiKey …' http://localhost:60610/api/status"
qs_status=$(curl -fsS -H "Authorization: ApiKey $key" http://localhost:60610/api/status)
[[ $qs_status == *'"manager_state":"idle"'* ]] || { echo "the queue server is not idle: $qs_status"; exit 1; }
echo 'queue server idle'
code=$(curl -s -o /dev/null -w '%{http_code}' http://localhost:60610/api/status)
[[ $code == 401 ]] || { echo "the queue server answered $code without a key"; exit 1; }

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
