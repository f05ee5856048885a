#!/usr/bin/env bash
# Sets up the Python venv that holds the EPICS "peer" programs the interop
# tests run against: caproto, pyepics (ships its own libca), epicscorelibs,
# softioc (pythonSoftIOC), bluesky-queueserver-api, websockets and numpy; plus
# schemathesis, which fuzzes the HTTP services from their OpenAPI documents.
#
# Usage:  scripts/peers.sh
#   OPHYD_PEERS_VENV    where the venv lives (default: <repo>/.venv-peers)
#   OPHYD_PEERS_PYTHON  interpreter used to create it (default: python3, >= 3.11)
#
# Safe to rerun: when the venv was already built from the same
# scripts/peers-requirements.txt (and the same base interpreter) the pip step
# is skipped and only the self-check runs. When the pins change, the venv is
# rebuilt from scratch so it never carries leftovers.
#
# Progress goes to stderr, prefixed "[peers]". The only line on stdout is the
# venv's python path, so callers can do:  PEERS_PY="$(scripts/peers.sh)"
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(dirname "$script_dir")"
req_file="$script_dir/peers-requirements.txt"
venv_dir="${OPHYD_PEERS_VENV:-$repo_root/.venv-peers}"
base_python="${OPHYD_PEERS_PYTHON:-python3}"
stamp_file="$venv_dir/.peers-requirements.sha256"
venv_python="$venv_dir/bin/python"

say() { printf '[peers] %s\n' "$*" >&2; }
fail() { printf '[peers] ERROR: %s\n' "$*" >&2; exit 1; }

started=$SECONDS

[[ -f "$req_file" ]] || fail "requirements file not found: $req_file"
command -v "$base_python" >/dev/null 2>&1 || fail "no '$base_python' on PATH (set OPHYD_PEERS_PYTHON to a Python >= 3.11)"

# numpy 2.4 and websockets 17 both need Python >= 3.11.
if ! "$base_python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  fail "$("$base_python" -V 2>&1) is too old; the pinned peers need Python >= 3.11 (set OPHYD_PEERS_PYTHON)"
fi

# The fingerprint covers the pins and the base interpreter's version, so a
# change to either triggers a rebuild.
wanted_hash="$(
  "$base_python" - "$req_file" <<'PY'
import hashlib, sys
h = hashlib.sha256()
with open(sys.argv[1], "rb") as f:
    h.update(f.read())
h.update(sys.version.encode())
print(h.hexdigest())
PY
)"

venv_usable() {
  [[ -f "$venv_dir/pyvenv.cfg" && -x "$venv_python" ]] && "$venv_python" -c 'pass' >/dev/null 2>&1
}

remove_venv() {
  # Only ever delete something that is recognisably a venv.
  if [[ -f "$venv_dir/pyvenv.cfg" ]]; then
    rm -rf -- "$venv_dir"
  elif [[ -e "$venv_dir" && -n "$(ls -A -- "$venv_dir" 2>/dev/null)" ]]; then
    fail "$venv_dir exists but is not a venv; refusing to overwrite it (move it away or set OPHYD_PEERS_VENV)"
  fi
}

have_hash=""
[[ -f "$stamp_file" ]] && have_hash="$(cat "$stamp_file")"

if venv_usable && [[ "$have_hash" == "$wanted_hash" ]]; then
  say "venv $venv_dir already matches peers-requirements.txt; skipping pip"
else
  if [[ -e "$venv_dir" ]]; then
    say "venv $venv_dir is missing, broken or out of date; rebuilding it"
    remove_venv
  fi

  say "creating venv at $venv_dir with $("$base_python" -V 2>&1)"
  venv_log="$(mktemp)"
  if ! "$base_python" -m venv "$venv_dir" >"$venv_log" 2>&1; then
    cat "$venv_log" >&2
    rm -f "$venv_log"
    # Leave nothing half-made behind, so the next run starts clean.
    [[ -f "$venv_dir/pyvenv.cfg" ]] && rm -rf -- "$venv_dir"
    if ! "$base_python" -c 'import ensurepip' >/dev/null 2>&1; then
      fail "'$base_python -m venv' failed because ensurepip is missing. On Debian/Ubuntu run: apt-get install python3-venv  (or python3.11-venv), then rerun this script"
    fi
    fail "'$base_python -m venv $venv_dir' failed (output above)"
  fi
  rm -f "$venv_log"

  say "installing pinned peers from scripts/peers-requirements.txt (takes a minute the first time)"
  # pip's own output goes to stderr too, keeping stdout for the final path.
  if ! "$venv_python" -m pip install \
      --disable-pip-version-check --no-input --progress-bar off --quiet \
      -r "$req_file" >&2; then
    fail "pip install failed; the venv is left without a stamp, so the next run rebuilds it"
  fi
  printf '%s\n' "$wanted_hash" >"$stamp_file"
  say "install done in $((SECONDS - started)) s"
fi

say "self-check"

# Keep every Channel Access client in the checks on loopback only.
export EPICS_CA_AUTO_ADDR_LIST=NO
export EPICS_CA_ADDR_LIST=127.0.0.1

# 1. Everything imports; report the versions actually installed.
"$venv_python" - <<'PY' >&2 || fail "import check failed"
import caproto, epics, softioc, bluesky_queueserver_api, websockets, numpy, ophyd, bluesky, event_model
import epicscorelibs.version
from importlib.metadata import version
print("[peers]   caproto", caproto.__version__,
      "| pyepics", epics.__version__,
      "| epicscorelibs", epicscorelibs.version.version,
      "| softioc", softioc.__version__,
      "| bluesky-queueserver-api", bluesky_queueserver_api.__version__,
      "| websockets", websockets.__version__,
      "| numpy", numpy.__version__,
      "| ophyd", ophyd.__version__,
      "| bluesky", bluesky.__version__,
      "| schemathesis", version("schemathesis"))
PY

# 2. pyepics finds and loads its bundled libca (separate process: it must not
#    share an address space with softioc's copy of EPICS base).
"$venv_python" - <<'PY' >&2 || fail "pyepics could not load libca"
import epics.ca
path = epics.ca.find_libca()
epics.ca.initialize_libca()
print("[peers]   pyepics libca:", path)
PY

# 3. softioc's EPICS base loads and its launcher runs.
"$venv_python" - <<'PY' >&2 || fail "softioc could not load EPICS base"
from softioc import softioc, builder  # loads libdbCore/libCom from epicscorelibs
print("[peers]   softioc IOC modules load (builder, softioc)")
PY
"$venv_python" -m softioc --version >/dev/null 2>&1 || fail "'python -m softioc --version' failed"
[[ -x "$venv_dir/bin/caproto-get" ]] || fail "caproto-get missing from $venv_dir/bin"
"$venv_dir/bin/schemathesis" --version >/dev/null 2>&1 || fail "'schemathesis --version' failed"

say "ok in $((SECONDS - started)) s; peers python:"
printf '%s\n' "$venv_python"
