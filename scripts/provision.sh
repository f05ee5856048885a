#!/usr/bin/env bash
# Prepares a machine for every test layer: Docker engine, PostgreSQL with the test role,
# python3-venv (for scripts/peers.sh), chromium (for npm run test:ui, driven by playwright-core), debootstrap (for integration/images/offline-base.sh) and
# redis-server (the reference bluesky-queueserver's store, for bench/queueserver.ts; never run as
# a system service: the bench starts its own on a free loopback port).
# On Debian as root it installs and starts what is missing; elsewhere it only checks and explains.
# Safe to re-run: when everything is in place it changes nothing and takes a few seconds.
set -euo pipefail

PG_USER=ophyd PG_PASSWORD=ophyd PG_DB=ophyd_test PG_HOST=127.0.0.1 PG_PORT=5432
ESSENTIAL_PKGS=(docker.io postgresql python3-venv debootstrap chromium libseccomp-dev) # libseccomp-dev: runc for test:cluster
OPTIONAL_PKGS=(docker-compose) # installed only where Debian ships it

did=() had=() missing=()
log() { echo "[provision] $*"; }
done_() { did+=("$1"); log "done: $1"; }
have() { had+=("$1"); }

pg_login_ok() {
	PGPASSWORD=$PG_PASSWORD PGCONNECT_TIMEOUT=3 psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" \
		-d "$PG_DB" -tAc 'select 1' >/dev/null 2>&1
}

summary() {
	log "---- summary ----"
	local x
	for x in "${had[@]}"; do log "  already there: $x"; done
	for x in "${did[@]}"; do log "  done now:      $x"; done
	for x in "${missing[@]}"; do log "  MISSING:       $x"; done
}

is_debian_root() { [[ -f /etc/debian_version && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; }

# ---------------------------------------------------------------- check-only mode
if ! is_debian_root; then
	log "not Debian as root: checking only, nothing will be installed"
	if docker info >/dev/null 2>&1; then have docker-engine; else
		missing+=("docker-engine (no daemon reachable by this user: install Docker, start dockerd, check access to /var/run/docker.sock; needed by npm run test:pods)")
	fi
	if pg_login_ok; then have postgresql-role; else
		missing+=("postgresql (a server on $PG_HOST:$PG_PORT with user $PG_USER/$PG_PASSWORD and database $PG_DB)")
	fi
	if python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then have python3-venv; else
		missing+=("python3-venv (needed by scripts/peers.sh)")
	fi
	# debootstrap only matters where base images cannot be pulled, so it is not essential.
	if command -v debootstrap >/dev/null; then have debootstrap; else
		log "note: no debootstrap; integration/images/offline-base.sh needs it only where images cannot be pulled"
	fi
	if [[ -x /usr/bin/chromium ]]; then have chromium; else
		missing+=("chromium (Debian's package, at /usr/bin/chromium: npm run test:ui drives it)")
	fi
	if command -v redis-server >/dev/null; then have redis-server; else
		log "note: no redis-server; only bench/queueserver.ts needs it (for the reference queue server)"
	fi
	summary
	((${#missing[@]} == 0)) || { log "run this script as root on Debian, or provide the above by hand"; exit 1; }
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive

# ---------------------------------------------------------------- packages
# Capture before matching: `grep -q` closing the pipe early would fail the pipeline under pipefail.
installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == 'install ok installed' ]]; }
has_candidate() { [[ $(apt-cache policy "$1" 2>/dev/null) == *'Candidate: '[0-9]* ]]; }

to_install=() opt_unseen=()
for p in "${ESSENTIAL_PKGS[@]}"; do installed "$p" && have "$p" || to_install+=("$p"); done
for p in "${OPTIONAL_PKGS[@]}"; do
	if installed "$p"; then have "$p"; elif has_candidate "$p"; then to_install+=("$p"); else opt_unseen+=("$p"); fi
done
if ((${#to_install[@]})); then
	log "apt-get update (needed for: ${to_install[*]})"
	apt-get update -qq
	# On a fresh machine the package lists were empty, so optional packages get a second look.
	for p in "${opt_unseen[@]}"; do has_candidate "$p" && to_install+=("$p"); done
	log "apt-get install ${to_install[*]} (log: /var/log/ophyd-provision-apt.log)"
	apt-get install -y --no-install-recommends "${to_install[@]}" >/var/log/ophyd-provision-apt.log 2>&1 ||
		{ tail -n 20 /var/log/ophyd-provision-apt.log; exit 1; }
	done_ "installed ${to_install[*]}"
fi
for p in "${OPTIONAL_PKGS[@]}"; do installed "$p" || log "note: $p is not packaged by this apt source; skipped"; done

# ---------------------------------------------------------------- redis-server (bench only)
# Installed on its own so that a temporary policy-rc.d (exit 101: "do not start") keeps apt from
# starting a system-wide Redis on 6379; on a systemd machine it is also not enabled at boot.
if installed redis-server; then
	have redis-server
else
	own_policy=
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
		own_policy=1
	fi
	has_candidate redis-server || apt-get update -qq
	log "apt-get install redis-server, not started (log: /var/log/ophyd-provision-apt.log)"
	apt-get install -y --no-install-recommends redis-server >>/var/log/ophyd-provision-apt.log 2>&1 ||
		{ [[ -n $own_policy ]] && rm -f /usr/sbin/policy-rc.d; tail -n 20 /var/log/ophyd-provision-apt.log; exit 1; }
	[[ -n $own_policy ]] && rm -f /usr/sbin/policy-rc.d
	if [[ -d /run/systemd/system ]]; then systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
	done_ "installed redis-server (no service started)"
fi

# ---------------------------------------------------------------- Docker daemon
if docker info >/dev/null 2>&1; then
	have dockerd
else
	log "starting dockerd (log: /var/log/dockerd.log)"
	# setsid+nohup: the daemon must outlive this script and the CI step that ran it.
	setsid nohup dockerd >>/var/log/dockerd.log 2>&1 </dev/null &
	for ((i = 0; i < 60; i++)); do docker info >/dev/null 2>&1 && break; sleep 1; done
	if ! docker info >/dev/null 2>&1; then
		log "dockerd did not answer within 60 s; last lines of /var/log/dockerd.log:"
		tail -n 20 /var/log/dockerd.log | sed 's/^/[provision]   /'
		exit 1
	fi
	done_ "dockerd started after ${i}s"
fi

# ---------------------------------------------------------------- PostgreSQL
# The Debian cluster tools own the cluster; /usr/local/bin/pg_ctl on some machines bypasses them.
if ! pg_login_ok; then
	read -r pg_ver pg_name _ pg_status _ < <(pg_lsclusters -h | awk -v p="$PG_PORT" '$3 == p' | head -n1) || true
	if [[ -z ${pg_ver:-} ]]; then
		pg_ver=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n1)
		log "no cluster on port $PG_PORT: creating $pg_ver/main"
		pg_createcluster --port="$PG_PORT" "$pg_ver" main >/dev/null
		pg_name=main pg_status=down
		done_ "created cluster $pg_ver/main"
	fi
	if [[ $pg_status != online* ]]; then
		log "starting PostgreSQL cluster $pg_ver/$pg_name"
		pg_ctlcluster "$pg_ver" "$pg_name" start || service postgresql start
		done_ "started cluster $pg_ver/$pg_name"
	fi
fi
if pg_login_ok; then
	have "postgresql login $PG_USER@$PG_HOST:$PG_PORT/$PG_DB"
else
	as_pg() { runuser -u postgres -- psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qtA "$@"; }
	# Values are fixed constants above, so plain interpolation into SQL is safe here.
	if [[ $(as_pg -c "select 1 from pg_roles where rolname = '$PG_USER'") != 1 ]]; then
		as_pg -c "create role $PG_USER login password '$PG_PASSWORD'"
		done_ "created role $PG_USER"
	else
		as_pg -c "alter role $PG_USER login password '$PG_PASSWORD'"
		done_ "reset password of role $PG_USER"
	fi
	if [[ $(as_pg -c "select 1 from pg_database where datname = '$PG_DB'") != 1 ]]; then
		as_pg -c "create database $PG_DB owner $PG_USER"
		done_ "created database $PG_DB"
	fi
	# Debian's default pg_hba.conf allows scram password logins from 127.0.0.1; check it really works.
	if ! pg_login_ok; then
		missing+=("postgresql login as $PG_USER on $PG_HOST:$PG_PORT (check pg_hba.conf and listen_addresses)")
	fi
fi

summary
((${#missing[@]} == 0)) || exit 1
log "ready"
