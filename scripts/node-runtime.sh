#!/usr/bin/env bash
# Builds the container runtime a real kubelet needs (the test:cluster suite), from the Go module
# proxy, with the machine's Go, into the same cache as scripts/k8s-binaries.sh:
#   containerd, containerd-shim-runc-v2 and ctr (github.com/containerd/containerd/v2; Debian's
#   containerd 1.6 is too old for kubelet 1.36), runc (github.com/opencontainers/runc, with cgo for
#   its nsenter C code, without seccomp), and the CNI plugins bridge, host-local, loopback and
#   portmap (github.com/containernetworking/plugins) into bin/cni/.
# Prints the bin directory on its last line. Each binary is built once per version.
set -euo pipefail
shopt -s inherit_errexit 2>/dev/null || true
CONTAINERD_VERSION=${CONTAINERD_VERSION:-v2.4.2}
RUNC_VERSION=${RUNC_VERSION:-v1.5.3}
CNI_PLUGINS_VERSION=${CNI_PLUGINS_VERSION:-v1.10.0}
CACHE=${OPHYD_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ophyd-service/k8s}
BIN="$CACHE/bin"
mkdir -p "$BIN/cni"
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false"
step() { echo "[node-runtime] $*" >&2; }

have() { [[ -x "$1" && -f "$1.version" && $(cat "$1.version") == "$2" ]]; }

# build NAME MODULE VERSION OUTDIR CGO TAGS PACKAGES…: a throwaway module that requires
# MODULE@VERSION and builds each package into OUTDIR/<last path element>.
build() {
  local name=$1 module=$2 version=$3 outdir=$4 cgo=$5 tags=$6
  shift 6
  local work
  work=$(mktemp -d)
  (
    cd "$work"
    go mod init "ophyd-service.dev/build/$name" >/dev/null 2>&1
    step "$name: resolving $module@$version (the first time downloads the module graph)"
    # Getting each package (not just the module) records the go.sum lines its imports need.
    local wanted=()
    for pkg in "$@"; do wanted+=("$pkg@$version"); done
    if ! go get "${wanted[@]}" >get.log 2>&1; then tail -20 get.log >&2; exit 1; fi
    for pkg in "$@"; do
      local out
      out="$outdir/$(basename "$pkg")"
      step "$name: building $pkg"
      if ! CGO_ENABLED=$cgo go build -trimpath -tags "$tags" -ldflags '-s -w' -o "$out" "$pkg" >build.log 2>&1; then
        tail -20 build.log >&2
        exit 1
      fi
      echo "$version" >"$out.version"
    done
  )
  rm -rf "$work"
}

cd_mod=github.com/containerd/containerd/v2
if have "$BIN/containerd" "$CONTAINERD_VERSION" && have "$BIN/containerd-shim-runc-v2" "$CONTAINERD_VERSION" &&
  have "$BIN/ctr" "$CONTAINERD_VERSION"; then
  step "containerd $CONTAINERD_VERSION: cached"
else
  build containerd "$cd_mod" "$CONTAINERD_VERSION" "$BIN" 0 "no_btrfs no_devmapper no_zfs" \
    "$cd_mod/cmd/containerd" "$cd_mod/cmd/containerd-shim-runc-v2" "$cd_mod/cmd/ctr"
fi

if have "$BIN/runc" "$RUNC_VERSION+seccomp"; then step "runc $RUNC_VERSION: cached"; else
  if [[ ! -f /usr/include/seccomp.h ]]; then
    step "runc needs libseccomp's headers: apt-get install libseccomp-dev"
    exit 1
  fi
  build runc github.com/opencontainers/runc "$RUNC_VERSION" "$BIN" 1 seccomp github.com/opencontainers/runc
  echo "$RUNC_VERSION+seccomp" >"$BIN/runc.version"
fi

cni_mod=github.com/containernetworking/plugins
if have "$BIN/cni/bridge" "$CNI_PLUGINS_VERSION" && have "$BIN/cni/host-local" "$CNI_PLUGINS_VERSION" &&
  have "$BIN/cni/loopback" "$CNI_PLUGINS_VERSION" && have "$BIN/cni/portmap" "$CNI_PLUGINS_VERSION"; then
  step "CNI plugins $CNI_PLUGINS_VERSION: cached"
else
  build cni-plugins "$cni_mod" "$CNI_PLUGINS_VERSION" "$BIN/cni" 0 "" \
    "$cni_mod/plugins/main/bridge" "$cni_mod/plugins/ipam/host-local" \
    "$cni_mod/plugins/main/loopback" "$cni_mod/plugins/meta/portmap"
fi

step "ready: containerd ctr containerd-shim-runc-v2 runc; cni/$(ls "$BIN/cni" | grep -v version | tr '\n' ' ')"
echo "$BIN"
