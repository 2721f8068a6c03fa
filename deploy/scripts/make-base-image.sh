#!/usr/bin/env bash
# Builds a Java 17 base image for Jib without any container registry: a minimal Debian bookworm
# root filesystem (debootstrap) with openjdk-17-jre-headless from Debian, imported into podman and
# saved as a docker-archive tarball that Jib reads with `tar://`.
#
#   sudo deploy/scripts/make-base-image.sh [output.tar]    (default deploy/target/base-image.tar)
#
# Needs root, debootstrap and podman (apt-get install -y debootstrap podman) and a Debian mirror
# (DEBIAN_MIRROR, default: the first one apt uses on this machine). The image has the user
# tracelake (uid/gid 10001) that the Tracelake image runs as, and /var/lib/tracelake owned by it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here/../target/base-image.tar}
suite=${DEBIAN_SUITE:-bookworm}
tag=${BASE_IMAGE_TAG:-localhost/tracelake-base:${suite}-jre17}

default_mirror() {
  local uri
  uri=$(grep -hs -m1 -E '^URIs:' /etc/apt/sources.list.d/debian.sources | awk '{print $2}' || true)
  echo "${uri:-http://deb.debian.org/debian}"
}
mirror=${DEBIAN_MIRROR:-$(default_mirror)}
security_mirror=${DEBIAN_SECURITY_MIRROR:-${mirror%/debian}/debian-security}

for tool in debootstrap podman; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing (apt-get install -y $tool)" >&2; exit 1; }
done
if [ "$(id -u)" -ne 0 ]; then
  echo "error: debootstrap and chroot need root" >&2
  exit 1
fi

work=$(mktemp -d /tmp/tracelake-base.XXXXXX)
root=$work/rootfs
cleanup() {
  umount "$root/proc" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "debootstrap $suite from $mirror" >&2
debootstrap --variant=minbase --include=ca-certificates "$suite" "$root" "$mirror" >&2

# Security and point-release updates: debootstrap only knows the one suite.
cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security_mirror $suite-security main
SOURCES
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc" # the JRE's postinst (ca-certificates-java) runs java
chroot "$root" /bin/sh -ec '
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get upgrade -y -q
  apt-get install -y -q --no-install-recommends openjdk-17-jre-headless
  apt-get clean
  rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log
  groupadd --gid 10001 tracelake
  useradd --uid 10001 --gid 10001 --home-dir /var/lib/tracelake --no-create-home \
    --shell /usr/sbin/nologin tracelake
  install -d -o 10001 -g 10001 -m 0750 /var/lib/tracelake
  java -version
'
umount "$root/proc"
: >"$root/etc/resolv.conf" # the container runtime provides its own

# shellcheck disable=SC2016 # expands inside the chroot, not here
java_home=$(chroot "$root" sh -c 'dirname "$(dirname "$(readlink -f /usr/bin/java)")"')
echo "importing $tag (JAVA_HOME $java_home)" >&2
tar -C "$root" --numeric-owner -c . |
  podman import \
    --change "ENV JAVA_HOME=$java_home" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["/bin/bash"]' \
    - "$tag" >&2
mkdir -p "$(dirname "$out")"
rm -f "$out"
podman save --format docker-archive -o "$out" "$tag" >&2
echo "$out"
