#!/usr/bin/env bash
# Sourced by the Tekton catalog's test runner (test/e2e-functions.sh) once it copied the Task to ${TMPF}.
# The Layercake image is not published from this repository's CI; point the Task at an image built here
# (mvn -pl cli -am package jib:dockerBuild, then kind load docker-image) by setting LAYERCAKE_IMAGE.
if [[ -n "${LAYERCAKE_IMAGE:-}" ]]; then
  sed -i "s#ghcr.io/layercake-dev/layercake:[0-9A-Za-z._-]*#${LAYERCAKE_IMAGE}#" "${TMPF}"
fi
