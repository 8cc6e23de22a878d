#!/usr/bin/env bash
# Catalog test hook: the Layercake image is not published from this repository's CI, so a test cluster
# runs the image built locally (mvn -pl cli -am package jib:dockerBuild, then e.g. kind load docker-image).
# Set LAYERCAKE_IMAGE to that image; the test-runner's copy of the Task (${TMPF}) gets it as default.
set -euo pipefail
if [ -n "${LAYERCAKE_IMAGE:-}" ]; then
  sed -i "s#default: ghcr.io/layercake-dev/layercake:[0-9A-Za-z._-]*#default: ${LAYERCAKE_IMAGE}#" "${TMPF}"
fi
