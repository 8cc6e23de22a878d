#!/bin/sh
# Capture of N Kubernetes objects (default 5000) by layercake vs `kubectl get -o json` of the same objects
# from the same fabric8 mock server (CRUD mode, served discovery), alternating, medians, ratio.
# Usage: benchmarks/kube/run.sh [objects] [runs]      (needs kubectl: Debian package kubernetes-client)
set -eu
cd "$(dirname "$0")/../.."
OBJECTS="${1:-5000}"
RUNS="${2:-5}"
KUBECTL="${KUBECTL:-$(command -v kubectl || echo /usr/bin/kubectl)}"
[ -x "$KUBECTL" ] || { echo "kubectl not found (apt-get install kubernetes-client)" >&2; exit 1; }
CP_FILE="$(mktemp)"
trap 'rm -f "$CP_FILE"' EXIT
mvn -q -pl core -am test-compile dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
CP="core/target/test-classes:core/target/classes:registry-backup/target/classes:$(cat "$CP_FILE")"
"$KUBECTL" version --client 2>/dev/null | head -1 || true
exec java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Djava.util.logging.config.file=benchmarks/kube/logging.properties -cp "$CP" dev.layercake.kube.KubeCaptureBenchmark "$OBJECTS" "$RUNS" "$KUBECTL" ${BENCH_DIR:-}
