#!/usr/bin/env bash
# Report rendering time and size for releases of growing size (the issue's bar: 500 objects and 40 images
# render in under a second and stay under 2 MiB; the size is asserted by ReleaseReportTest, the time is here).
# Usage: benchmarks/report/run.sh [RUNS]   (prints a table; builds core and the demo classpath if needed)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -f demo/target/demo.classpath ] || [ ! -f core/target/test-classes/dev/layercake/report/ReportBenchmark.class ]; then
  ./mvnw -B -q -DskipTests -Dlayercake.cds.skip=true package -pl demo -am
fi
java -cp "core/target/test-classes:core/target/classes:$(cat demo/target/demo.classpath)" dev.layercake.report.ReportBenchmark "${1:-15}"
