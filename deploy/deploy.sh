#!/usr/bin/env bash
# Builds the Tracelake image and rolls out an environment.
#
#   deploy/deploy.sh local             jar + Jib tarball, `minikube image load`, apply k8s/local
#   deploy/deploy.sh prod              jar + Jib push to $TRACELAKE_REGISTRY, Secret, apply k8s/prod
#   deploy/deploy.sh --dry-run ENV     only print the manifests ENV would apply (nothing is
#                                      built, pushed or applied; the plan goes to stderr)
#
# Environment: TRACELAKE_REGISTRY (prod: e.g. registry.example.com/data), TRACELAKE_NAMESPACE
# (default: kubectl's current one), TRACELAKE_BASE_IMAGE (Jib base, e.g. tar:///tmp/base.tar),
# KUBECTL (default kubectl), MINIKUBE (default minikube), MVN (default mvn).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
kubectl=${KUBECTL:-kubectl}
minikube=${MINIKUBE:-minikube}
mvn=${MVN:-mvn}

usage() {
  sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
  exit 2
}

dry_run=false
if [ "${1:-}" = --dry-run ]; then
  dry_run=true
  shift
fi
[ $# -eq 1 ] || usage
env=$1
case $env in local | prod) ;; *) usage ;; esac

# The first <version> of the root pom is the project's: the image tag.
version=$(sed -n 's:^  <version>\([^<]*\)</version>.*:\1:p' "$root/pom.xml" | head -n 1)
[ -n "$version" ] || { echo "error: no <version> in $root/pom.xml" >&2; exit 1; }

namespace=()
if [ -n "${TRACELAKE_NAMESPACE:-}" ]; then
  namespace=(--namespace "$TRACELAKE_NAMESPACE")
fi
maven_image_args=(-B -q package -pl deploy -am -DskipTests)
if [ -n "${TRACELAKE_BASE_IMAGE:-}" ]; then
  maven_image_args+=("-Dtracelake.image.base=$TRACELAKE_BASE_IMAGE")
fi

plan() { echo "+ $*" >&2; }
run() {
  plan "$@"
  if [ "$dry_run" = false ]; then "$@"; fi
}

case $env in
local)
  overlay=$here/k8s/local
  run "$mvn" -f "$root/pom.xml" "${maven_image_args[@]}" -Pimage
  run "$minikube" image load "$here/target/tracelake-image.tar"
  ;;
prod)
  registry=${TRACELAKE_REGISTRY:?set TRACELAKE_REGISTRY to the registry and path to push to, e.g. registry.example.com/data}
  registry=${registry%/}
  # An overlay of k8s/prod that only points the image at the pushed one. Kustomize takes no
  # absolute paths, hence a directory at a fixed depth under deploy/target (gitignored).
  mkdir -p "$here/target"
  overlay=$(mktemp -d "$here/target/prod-overlay.XXXXXX")
  trap 'rm -rf "$overlay"' EXIT
  cat >"$overlay/kustomization.yaml" <<KUSTOMIZATION
bases:
- ../../k8s/prod
images:
- name: tracelake
  newName: $registry/tracelake
  newTag: $version
KUSTOMIZATION
  run "$mvn" -f "$root/pom.xml" "${maven_image_args[@]}" -Pimage-push \
    "-Dtracelake.image.name=$registry/tracelake"
  secret_env=$here/k8s/prod/secret.env
  if [ -f "$secret_env" ]; then
    plan "$kubectl" create secret generic tracelake-credentials --from-env-file="$secret_env" \
      "|" "$kubectl" apply -f -
    if [ "$dry_run" = false ]; then
      "$kubectl" "${namespace[@]}" create secret generic tracelake-credentials \
        --from-env-file="$secret_env" --dry-run=client -o yaml | "$kubectl" "${namespace[@]}" apply -f -
    fi
  elif [ "$dry_run" = false ] &&
    ! "$kubectl" "${namespace[@]}" get secret tracelake-credentials >/dev/null 2>&1; then
    echo "error: no Secret tracelake-credentials in the cluster and no $secret_env" \
      "(copy secret.env.example)" >&2
    exit 1
  fi
  ;;
esac

if [ "$dry_run" = true ]; then
  plan "$kubectl" kustomize "$overlay"
  "$kubectl" kustomize "$overlay"
  exit 0
fi
run "$kubectl" "${namespace[@]}" apply -k "$overlay"
if [ "$env" = local ]; then
  run "$kubectl" "${namespace[@]}" rollout status statefulset/tracelake-catalog-db --timeout=5m
fi
run "$kubectl" "${namespace[@]}" rollout status deployment/tracelake --timeout=10m
