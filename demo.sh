#!/usr/bin/env bash
# The quickstart's main job: build the CLI, back up the sample release in src/ into ./layercake-store
# (a local store, the embedded default), then list and show it.
set -euo pipefail
cd "$(dirname "$0")"
jar=cli/target/layercake.jar
if [ ! -f "$jar" ]; then
  ./mvnw -B -q -DskipTests package -pl cli -am
fi
store=${LAYERCAKE_STORE:-./layercake-store}
release="demo-$(date -u +%Y%m%d-%H%M%S)"
bin/layercake backup --app shop --source src --store "$store" --release "$release" --image-mode none
bin/layercake list --store "$store"
bin/layercake show --store "$store" --app shop --release "$release"
bin/layercake verify --store "$store" --app shop --release "$release"
