#!/usr/bin/env bash
# Builds the Kubernetes binaries the operator tests need, from the Go module proxy, with the
# machine's Go, into a cache that later runs reuse:
#   kube-apiserver, kube-controller-manager and, for the real-node suite (test:cluster), kubelet,
#   kube-scheduler and kube-proxy (k8s.io/kubernetes, every k8s.io staging module pinned to the
#   matching v0.x release), etcd (go.etcd.io/etcd/server/v3), helm (helm.sh/helm/v3),
#   skaffold (github.com/GoogleContainerTools/skaffold/v2, with the replace lines of its own go.mod).
# Prints the bin directory on its last line. Each binary is built once per version.
set -euo pipefail
shopt -s inherit_errexit 2>/dev/null || true
K8S_VERSION=${K8S_VERSION:-v1.36.3}
ETCD_VERSION=${ETCD_VERSION:-v3.6.16}
HELM_VERSION=${HELM_VERSION:-v3.22.0}
SKAFFOLD_VERSION=${SKAFFOLD_VERSION:-v2.16.1}
CACHE=${OPHYD_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ophyd-service/k8s}
BIN="$CACHE/bin"
mkdir -p "$BIN"
export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false"
step() { echo "[k8s-binaries] $*" >&2; }

have() { [[ -x "$BIN/$1" && -f "$BIN/$1.version" && $(cat "$BIN/$1.version") == "$2" ]]; }

# A throwaway module that requires `module@version` (plus replace lines) and builds `packages`.
build() {
  local name=$1 module=$2 version=$3 replaces=$4
  shift 4
  local work
  work=$(mktemp -d)
  (
    cd "$work"
    go mod init "ophyd-service.dev/build/$name" >/dev/null 2>&1
    if [[ -n $replaces ]]; then printf '%s\n' "$replaces" >>go.mod; fi
    step "$name: resolving $module@$version (the first time downloads the module graph)"
    local wanted=()
    for pkg in "$@"; do wanted+=("$pkg@$version"); done
    if ! go get "${wanted[@]}" >get.log 2>&1; then tail -20 get.log >&2; exit 1; fi
    for pkg in "$@"; do
      step "$name: building $pkg"
      go build -trimpath -ldflags '-s -w' -o "$BIN/$(basename "$pkg")" "$pkg" 2>&1 | tail -20 >&2
      echo "$version" >"$BIN/$(basename "$pkg").version"
    done
  )
  rm -rf "$work"
}

# kube_replaces: pins every k8s.io staging module k8s.io/kubernetes requires at v0.0.0 to its release.
kube_replaces() {
  local proxy staging_version
  proxy=$(go env GOPROXY | cut -d, -f1)
  staging_version="v0.${K8S_VERSION#v1.}"
  curl -fsS "$proxy/k8s.io/kubernetes/@v/$K8S_VERSION.mod" |
    awk -v v="$staging_version" '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" { printf "replace %s => %s %s\n", $1, $1, v }'
}

if have kube-apiserver "$K8S_VERSION" && have kube-controller-manager "$K8S_VERSION"; then
  step "kube-apiserver, kube-controller-manager $K8S_VERSION: cached"
else
  build kubernetes k8s.io/kubernetes "$K8S_VERSION" "$(kube_replaces)" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager
fi

# The node components only the real-cluster suite needs; skipped with K8S_NODE=0.
if [[ ${K8S_NODE:-1} != 0 ]]; then
  if have kubelet "$K8S_VERSION" && have kube-scheduler "$K8S_VERSION" && have kube-proxy "$K8S_VERSION"; then
    step "kubelet, kube-scheduler, kube-proxy $K8S_VERSION: cached"
  else
    build kubernetes-node k8s.io/kubernetes "$K8S_VERSION" "$(kube_replaces)" \
      k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kube-proxy
  fi
fi

if have etcd "$ETCD_VERSION"; then step "etcd $ETCD_VERSION: cached"; else
  build etcd go.etcd.io/etcd/server/v3 "$ETCD_VERSION" "" go.etcd.io/etcd/server/v3
  mv "$BIN/v3" "$BIN/etcd" && mv "$BIN/v3.version" "$BIN/etcd.version"
fi

if have helm "$HELM_VERSION"; then step "helm $HELM_VERSION: cached"; else
  build helm helm.sh/helm/v3 "$HELM_VERSION" "" helm.sh/helm/v3/cmd/helm
fi

if have skaffold "$SKAFFOLD_VERSION"; then step "skaffold $SKAFFOLD_VERSION: cached"; else
  proxy=$(go env GOPROXY | cut -d, -f1)
  replaces=$(curl -fsS "$proxy/github.com/!google!container!tools/skaffold/v2/@v/$SKAFFOLD_VERSION.mod" | grep '^replace ' || true)
  build skaffold github.com/GoogleContainerTools/skaffold/v2 "$SKAFFOLD_VERSION" "$replaces" \
    github.com/GoogleContainerTools/skaffold/v2/cmd/skaffold
fi

step "ready: $(ls "$BIN" | grep -v version | tr '\n' ' ')"
echo "$BIN"
