#!/usr/bin/env bash
# Builds local stand-ins for the public base images our Dockerfiles and tests name
# (node:24-bookworm-slim, postgres:16) on machines that cannot reach a container registry.
# A tag that exists locally or can be pulled is left alone, so on a normal machine this does
# nothing and the real images are used. Stand-ins come from Debian packages (debootstrap, same
# mirror as the host's apt) and the npm registry's `node-linux-*` and `npm` packages.
# Needs root (debootstrap, chroot), docker, debootstrap and npm. Safe to re-run.
set -euo pipefail

NODE_TAG=node:24-bookworm-slim
PG_TAG=postgres:16
SUITE=bookworm
CACHE=${OPHYD_CACHE_DIR:-/var/cache/ophyd-service}/offline-base
PULL_TIMEOUT=${OFFLINE_BASE_PULL_TIMEOUT:-20}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STD_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

log() { echo "[offline-base] $*"; }
die() { log "error: $*" >&2; exit 1; }

work='' probe=''
cleanup() {
	[[ -z $probe ]] || docker rm -f "$probe" >/dev/null 2>&1 || true
	[[ -z $work ]] || rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # so that an interrupted build still runs cleanup

# True when a stand-in has to be built for $1.
needs_build() {
	if docker image inspect "$1" >/dev/null 2>&1; then log "$1: tag exists, nothing to do"; return 1; fi
	log "$1: not present locally; trying docker pull (timeout ${PULL_TIMEOUT}s)"
	if timeout "$PULL_TIMEOUT" docker pull -q "$1" >/dev/null 2>&1; then log "$1: pulled"; return 1; fi
	log "$1: cannot be pulled; building a local stand-in"
}

# The bookworm mirror the host's apt already uses (one-line *.list or deb822 *.sources).
debian_mirror() {
	local files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources) found=() f
	for f in "${files[@]}"; do [[ -f $f ]] && found+=("$f"); done
	((${#found[@]})) && awk -v suite="$SUITE" '
		function flush() { if (hit && uri != "") out = uri; hit = 0; uri = "" }
		FNR == 1 { flush(); if (out != "") exit }
		FILENAME ~ /\.sources$/ {
			if ($0 ~ /^[[:space:]]*$/) { flush(); if (out != "") exit; next }
			if (tolower($1) == "uris:") uri = $2
			if (tolower($1) == "suites:") for (i = 2; i <= NF; i++) if ($i == suite) hit = 1
			next
		}
		$1 == "deb" { sub(/\[[^]]*\]/, ""); if ($3 == suite) { out = $2; exit } }
		END { if (out == "") flush(); if (out != "") print out }' "${found[@]}"
}

# One debootstrap serves both images: the bare minbase rootfs is cached as a tarball.
BASE_TAR=
base_tarball() {
	local arch; arch=$(dpkg --print-architecture)
	BASE_TAR=$CACHE/debian-$SUITE-minbase-$arch.tar
	if [[ -s $BASE_TAR ]]; then log "reusing cached $SUITE minbase rootfs $BASE_TAR"; return; fi
	local mirror=${OPHYD_DEBIAN_MIRROR:-$(debian_mirror)}
	mirror=${mirror:-http://deb.debian.org/debian}
	log "debootstrap --variant=minbase $SUITE from $mirror (takes about a minute; log: $work/debootstrap.log)"
	local t=$SECONDS
	debootstrap --variant=minbase --arch="$arch" "$SUITE" "$work/bootstrap" "$mirror" >"$work/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$work/debootstrap.log"; die "debootstrap failed"; }
	# Downloaded .debs and package lists are dead weight: every image runs apt-get update anyway.
	rm -rf "$work"/bootstrap/var/cache/apt/archives/*.deb "$work"/bootstrap/var/lib/apt/lists/*
	mkdir -p "$CACHE"
	tar --numeric-owner -C "$work/bootstrap" -cf "$BASE_TAR.part" . && mv "$BASE_TAR.part" "$BASE_TAR"
	rm -rf --one-file-system "$work/bootstrap"
	log "debootstrap done in $((SECONDS - t))s; cached as $BASE_TAR ($(du -h "$BASE_TAR" | cut -f1))"
}

# A fresh rootfs from the cached base, ready for apt inside a chroot.
ROOT=
new_rootfs() {
	base_tarball
	ROOT=$work/rootfs
	rm -rf --one-file-system "$ROOT" && mkdir -p "$ROOT"
	tar --numeric-owner -C "$ROOT" -xf "$BASE_TAR"
	cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
	# Package scripts must not try to start services inside the chroot.
	printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d" && chmod 755 "$ROOT/usr/sbin/policy-rc.d"
}
in_root() { chroot "$ROOT" env PATH="$STD_PATH" DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }
apt_in_root() {
	log "apt-get install $* (inside the rootfs)"
	{ in_root apt-get update -q && in_root apt-get install -y -q --no-install-recommends "$@"; } >>"$work/apt.log" 2>&1 ||
		{ tail -n 20 "$work/apt.log"; die "apt-get install $* failed"; }
}

# Strips caches, then imports the rootfs as $1 with the remaining args as Dockerfile-style changes.
import_rootfs() {
	local tag=$1 changes=() c; shift
	# The label tells a stand-in from the real image: `docker image inspect -f '{{.Config.Labels}}'`.
	for c in 'LABEL ophyd-service.offline-base=stand-in' "$@"; do changes+=(-c "$c"); done
	in_root apt-get clean
	rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT/usr/sbin/policy-rc.d"
	# Trimmed like Debian's -slim images: no manuals, translations or docs beyond licences.
	rm -rf "$ROOT"/usr/share/man/* "$ROOT"/usr/share/locale/* "$ROOT"/usr/share/info/*
	find "$ROOT/usr/share/doc" -type f ! -name copyright -delete
	: >"$ROOT/etc/resolv.conf" # docker supplies its own at run time
	log "$tag: docker import"
	tar --numeric-owner -C "$ROOT" -c . | docker import "${changes[@]}" - "$tag" >/dev/null
	rm -rf --one-file-system "$ROOT"
}

# A failed check drops the tag so that the next run rebuilds instead of trusting it.
reject() { docker rmi -f "$1" >/dev/null 2>&1 || true; die "$1: $2"; }

build_node() {
	local t=$SECONDS narch version
	command -v npm >/dev/null || die "npm is needed to fetch the node binary from the registry"
	case $(uname -m) in x86_64) narch=x64 ;; aarch64) narch=arm64 ;; *) die "no node-linux package for $(uname -m)" ;; esac
	# The same Node the repo pins as its `node` devDependency, so images and host tests agree.
	version=${OPHYD_NODE_VERSION:-$(sed -nE 's/.*"node": *"(24\.[0-9]+\.[0-9]+)".*/\1/p' "$REPO/package.json" 2>/dev/null | head -n1)}
	version=${version:-24}
	new_rootfs
	apt_in_root ca-certificates
	# Behind a TLS-inspecting egress the host trusts a site CA (Debian keeps those in
	# /usr/local/share/ca-certificates); without it `npm ci` in a docker build fails with
	# "self-signed certificate in certificate chain". Stand-ins exist only on such machines.
	local site_ca=() env=()
	shopt -s nullglob && site_ca=(/usr/local/share/ca-certificates/*.crt) && shopt -u nullglob
	if ((${#site_ca[@]})); then
		log "adding the host's site CAs: ${site_ca[*]##*/}"
		cp "${site_ca[@]}" "$ROOT/usr/local/share/ca-certificates/"
		in_root update-ca-certificates >/dev/null 2>&1
		env=('ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt')
	fi
	log "npm pack node-linux-$narch@$version npm@11"
	mkdir -p "$work/npm/node" "$ROOT/usr/local/lib/node_modules/npm"
	(cd "$work/npm" && npm pack --silent "node-linux-$narch@$version" npm@11 >/dev/null 2>&1) || die "npm pack failed"
	tar -xzf "$work"/npm/node-linux-*.tgz -C "$work/npm/node" --strip-components=1
	install -m 755 "$work/npm/node/bin/node" "$ROOT/usr/local/bin/node"
	[[ ! -d $work/npm/node/include ]] || cp -r "$work/npm/node/include" "$ROOT/usr/local/" # for node-gyp
	tar -xzf "$work"/npm/npm-*.tgz -C "$ROOT/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner
	ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ROOT/usr/local/bin/npm"
	ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ROOT/usr/local/bin/npx"
	# The official image has an unprivileged `node` user (uid 1000) that Dockerfiles may switch to.
	in_root groupadd --gid 1000 node
	in_root useradd --uid 1000 --gid node --shell /bin/bash --create-home node
	version=$(in_root /usr/local/bin/node --version)
	import_rootfs "$NODE_TAG" "ENV PATH=$STD_PATH" "ENV NODE_VERSION=${version#v}" "${env[@]}" 'CMD ["node"]'
	local out
	out=$(docker run --rm "$NODE_TAG" sh -c 'node --version && npm --version') || reject "$NODE_TAG" "node does not run"
	[[ $out == v24.* ]] || reject "$NODE_TAG" "expected Node 24, got: $out"
	log "$NODE_TAG: built in $((SECONDS - t))s (node $(head -n1 <<<"$out"), npm $(tail -n1 <<<"$out"))"
}

build_postgres() {
	local t=$SECONDS
	new_rootfs
	# No cluster at install time: the entrypoint creates one in $PGDATA on first start.
	mkdir -p "$ROOT/etc/postgresql-common/createcluster.d"
	echo 'create_main_cluster = false' >"$ROOT/etc/postgresql-common/createcluster.d/no-main-cluster.conf"
	apt_in_root postgresql-15
	# Like the official image: initdb writes listen_addresses='*' so the server is reachable
	# through a published port, and a command line `-c listen_addresses=...` still overrides it.
	sed -ri "s/^#?(listen_addresses)\s*=\s*\S+/\1 = '*'/" "$ROOT/usr/share/postgresql/15/postgresql.conf.sample"
	in_root install -d -o postgres -g postgres -m 3777 /var/run/postgresql
	write_pg_entrypoint "$ROOT/usr/local/bin/docker-entrypoint.sh"
	import_rootfs "$PG_TAG" "ENV PATH=/usr/lib/postgresql/15/bin:$STD_PATH" 'ENV PG_MAJOR=15' \
		'ENV PGDATA=/var/lib/postgresql/data' 'ENV LANG=C.UTF-8' 'EXPOSE 5432' \
		'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["postgres"]'
	verify_postgres
	log "$PG_TAG: built in $((SECONDS - t))s"
}

# Behaves like the official image's entrypoint for the parts our tests and Testcontainers use.
write_pg_entrypoint() {
	cat >"$1" <<'EOF'
#!/bin/bash
# Stand-in for the official postgres image entrypoint (built by integration/images/offline-base.sh).
# Honours POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, POSTGRES_HOST_AUTH_METHOD and PGDATA.
set -euo pipefail
if [[ ${1:-} == -* ]]; then set -- postgres "$@"; fi # `docker run postgres:16 -c fsync=off`
[[ ${1:-} == postgres ]] || exec "$@"

export PGDATA=${PGDATA:-/var/lib/postgresql/data}
if [[ $(id -u) == 0 ]]; then
	mkdir -p "$PGDATA" && chown postgres:postgres "$PGDATA" && chmod 700 "$PGDATA"
	exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

if [[ ! -s $PGDATA/PG_VERSION ]]; then
	user=${POSTGRES_USER:-postgres} db=${POSTGRES_DB:-${POSTGRES_USER:-postgres}}
	auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
	if [[ -z ${POSTGRES_PASSWORD:-} && $auth != trust ]]; then
		echo "error: set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust)" >&2
		exit 1
	fi
	pw=()
	if [[ -n ${POSTGRES_PASSWORD:-} ]]; then
		pwfile=$(mktemp) && printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile" && pw=(--pwfile="$pwfile")
	fi
	initdb --username="$user" "${pw[@]}" --encoding=UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host="$auth"
	rm -f "${pwfile:-}"
	echo "host all all all $auth" >>"$PGDATA/pg_hba.conf"
	# Temporary server on the unix socket only; its "ready to accept connections" line is the
	# first of the two that clients such as Testcontainers wait for.
	pg_ctl -w -o "-c listen_addresses=''" start
	if [[ $db != postgres ]]; then
		psql -v ON_ERROR_STOP=1 -U "$user" -d postgres -q -c "CREATE DATABASE \"${db//\"/\"\"}\""
	fi
	pg_ctl -w -m fast stop
	echo "PostgreSQL init process complete; ready for start up."
fi
exec "$@"
EOF
	chmod 755 "$1"
}

# Starts the image the way Testcontainers does and checks the ready line, login and extra args.
verify_postgres() {
	local port n=0 i
	probe=$(docker run -d -p 127.0.0.1::5432 -e POSTGRES_USER=test -e POSTGRES_PASSWORD=test \
		-e POSTGRES_DB=test "$PG_TAG" postgres -c fsync=off) || reject "$PG_TAG" "container does not start"
	for ((i = 0; i < 60; i++)); do
		n=$(docker logs "$probe" 2>&1 | grep -c 'database system is ready to accept connections' || true)
		((n >= 2)) && break
		sleep 1
	done
	((n >= 2)) || { docker logs "$probe" 2>&1 | tail -n 20; reject "$PG_TAG" "ready line seen $n times, expected 2"; }
	port=$(docker port "$probe" 5432/tcp | head -n1) && port=${port##*:}
	local fsync
	fsync=$(env PGPASSWORD=test psql -h 127.0.0.1 -p "$port" -U test -d test -tAc 'show fsync') ||
		reject "$PG_TAG" "password login over the published port failed"
	[[ $fsync == off ]] || reject "$PG_TAG" "extra postgres args were not applied"
	# @testcontainers/postgresql 11+ waits on this health check rather than on the log lines.
	docker exec -e PGPASSWORD=test "$probe" sh -c 'pg_isready --host localhost --username test --dbname test' >/dev/null ||
		reject "$PG_TAG" "pg_isready inside the container failed"
	docker rm -f "$probe" >/dev/null && probe=
	log "$PG_TAG: verified (ready line twice, password login on a published port, extra args, pg_isready)"
}

main() {
	local start=$SECONDS build=()
	docker info >/dev/null 2>&1 || die "docker daemon not reachable (run scripts/provision.sh)"
	needs_build "$NODE_TAG" && build+=(node)
	needs_build "$PG_TAG" && build+=(postgres)
	((${#build[@]})) || return 0
	[[ $(id -u) == 0 ]] || die "building stand-ins needs root (debootstrap, chroot)"
	command -v debootstrap >/dev/null || die "debootstrap missing (run scripts/provision.sh)"
	work=$(mktemp -d "${TMPDIR:-/tmp}/offline-base.XXXXXX")
	local b
	for b in "${build[@]}"; do "build_$b"; done
	log "done in $((SECONDS - start))s:"
	docker image ls --format '[offline-base]   {{.Repository}}:{{.Tag}}  {{.Size}}' | grep -E " ($NODE_TAG|$PG_TAG) " || true
}

main "$@"
