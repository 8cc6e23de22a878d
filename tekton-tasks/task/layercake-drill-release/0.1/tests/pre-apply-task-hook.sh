#!/usr/bin/env bash
# Sourced by the Tekton catalog's test runner (test/e2e-functions.sh) once it copied the Task to ${TMPF}.
# The Layercake image is not published from this repository's CI; point the Task at an image built here
# (mvn -pl cli -am package jib:dockerBuild, then kind load docker-image) by setting LAYERCAKE_IMAGE.
# run.yaml first records a release with layercake-backup-app, so that Task is installed too.
layercake_backup_task="${taskdir}/../../layercake-backup-app/0.1/layercake-backup-app.yaml"
if [[ -n "${LAYERCAKE_IMAGE:-}" ]]; then
  sed -i "s#ghcr.io/layercake-dev/layercake:[0-9A-Za-z._-]*#${LAYERCAKE_IMAGE}#" "${TMPF}"
  sed "s#ghcr.io/layercake-dev/layercake:[0-9A-Za-z._-]*#${LAYERCAKE_IMAGE}#" "${layercake_backup_task}"
else
  cat "${layercake_backup_task}"
fi | ${KUBECTL_CMD:-kubectl} -n "${tns}" apply -f -
