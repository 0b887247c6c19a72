#!/usr/bin/env bash
# Renders one Kustomize overlay to stdout: infra/k8s/render.sh dev|prod
#
# kubectl >= 1.21 embeds a current kustomize and renders the overlay as written. Debian's own
# kubectl (package kubernetes-client, 1.20) embeds kustomize v2.0.3, which predates `patches:`
# and directories under `resources:`; for it, a temporary copy is rewritten to the v2 spelling
# (`bases:`, `patchesStrategicMerge:`), which renders the same objects.
set -euo pipefail
overlay=${1:?usage: render.sh <overlay>}
here=$(cd "$(dirname "$0")" && pwd)
[ -d "$here/overlays/$overlay" ] || { echo "no overlay named $overlay" >&2; exit 2; }
command -v kubectl >/dev/null || { echo "kubectl not found (bash .ci/infra-checks installs it)" >&2; exit 127; }

minor=$(kubectl version --client -o json 2>/dev/null | sed -n 's/.*"minor": *"\([0-9]*\).*/\1/p' | head -1)
if [ "${minor:-0}" -ge 21 ]; then
  exec kubectl kustomize "$here/overlays/$overlay"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$here/base" "$here/overlays" "$tmp/"
sed -i -e 's/^resources:/bases:/' -e 's/^patches:/patchesStrategicMerge:/' -e 's/^  - path: /  - /' \
  "$tmp/overlays/$overlay/kustomization.yaml"
kubectl kustomize "$tmp/overlays/$overlay"
