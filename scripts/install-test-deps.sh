#!/usr/bin/env bash
# Installs the Debian packages the tests start for real (registry, podman, skopeo, chromium for the
# report's DOM test...) and the benchmarks' anchors (skopeo, restic, rclone, kubectl).
# Idempotent: installs only what is missing.
set -euo pipefail

packages=(git ca-certificates openssl docker-registry podman skopeo restic rclone uidmap fuse-overlayfs slirp4netns chromium)
command -v javac >/dev/null 2>&1 || packages+=(openjdk-17-jdk-headless)
command -v kubectl >/dev/null 2>&1 || packages+=(kubernetes-client)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "test dependencies already installed"
fi
