#!/usr/bin/env bash
# P6 scale (issue 18): a folder store of 200 apps x 50 releases = 10,000 releases (generated through the store's API
# by GenerateStore.java: each release names 3 blobs of its own and 3 its app shares), and one of 200 x 10 = 2,000.
# On each: `layercake list --app X` (goal <= 2 s; anchor: a hello-world java in the same rounds), then `prune
# --app X --keep 5` and `gc --grace 0s`, wall and peak RSS (GNU time -v), as users run them and again with a 48 MiB
# heap: memory independent of the blob count means the same RSS at both sizes and the small heap enough for both;
# the live heap after each collection (GC log) shows what gc actually holds.
#
#   benchmarks/scale/run.sh        env RUNS (default 5), BENCH_DIR (default /dev/shm: the stores' 70,000 files)
# Needs: java 17, mvn, GNU time; the CLI built (./mvnw -pl cli -am package -DskipTests).
set -euo pipefail
RUNS=${RUNS:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d "${BENCH_DIR:-/dev/shm}/layercake-bench-scale.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
log() { echo "[scale] $*" >&2; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
[ -f "$ROOT/cli/target/layercake.jar" ] || { echo "build the CLI first: ./mvnw -pl cli -am package -DskipTests" >&2; exit 2; }
LC="$ROOT/bin/layercake"
(cd "$ROOT" && ./mvnw -q -o -pl core -am compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/cp.txt" -Dlayercake.cds.skip=true >/dev/null)
CP="$ROOT/core/target/classes:$ROOT/registry-backup/target/classes:$(cat "$WORK/cp.txt")"
mkdir -p "$WORK/classes"
javac -d "$WORK/classes" -cp "$CP" "$ROOT/benchmarks/scale/GenerateStore.java"
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' > "$WORK/Hello.java"
javac -d "$WORK/classes" "$WORK/Hello.java"

rss() { awk -F': ' '/Maximum resident set size/{print $2}' "$1"; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$1" | awk -F: '{print (NF==3 ? $1*3600+$2*60+$3 : $1*60+$2)}'; }
cpu() { awk -F': ' '/User time/{u=$2} /System time/{s=$2} END {print u+s}' "$1"; }
{ printf '%-44s %10s %10s %10s %10s\n' "measure" "2,000 rel" "10,000 rel" "ratio" "goal"; } > "$WORK/table"
declare -A R=()
LOAD_BEFORE=$(uptime)
for size in 10 50; do
  store="$WORK/store-$size"
  t0=$(date +%s.%N)
  gen=$(java -Xmx256m -XX:+UseSerialGC -cp "$WORK/classes:$CP" GenerateStore "$store" 200 "$size" 3 3)
  log "generated $gen in $(echo "$(date +%s.%N) - $t0" | bc -l | cut -c1-6) s: $(find "$store" -type f | wc -l) files"
  R[gen-$size]=$gen
  : > "$WORK/list-$size"; : > "$WORK/hello-$size"; : > "$WORK/listcpu-$size"
  for r in $(seq 1 "$RUNS"); do
    /usr/bin/time -v -o "$WORK/t" java -cp "$WORK/classes" Hello > /dev/null; wall "$WORK/t" >> "$WORK/hello-$size"
    /usr/bin/time -v -o "$WORK/t" "$LC" list --store "$store" --app app-100 > "$WORK/list.out"; wall "$WORK/t" >> "$WORK/list-$size"
    cpu "$WORK/t" >> "$WORK/listcpu-$size"
  done
  grep -c 'r000' "$WORK/list.out" > "$WORK/listed-$size" || true
  R[list-$size]=$(median < "$WORK/list-$size"); R[listcpu-$size]=$(median < "$WORK/listcpu-$size"); R[hello-$size]=$(median < "$WORK/hello-$size")
  /usr/bin/time -v -o "$WORK/t" "$LC" list --store "$store" > /dev/null; R[listall-$size]=$(wall "$WORK/t"); R[listallrss-$size]=$(rss "$WORK/t")
  # prune one app, then gc: as users run them, then (on a fresh prune of another app) with a 48 MiB heap
  /usr/bin/time -v -o "$WORK/t" "$LC" prune --store "$store" --app app-000 --keep 5 --quiet > /dev/null
  R[prune-$size]=$(wall "$WORK/t"); R[prunerss-$size]=$(rss "$WORK/t")
  /usr/bin/time -v -o "$WORK/t" env JAVA_OPTS="-Xlog:gc:file=$WORK/gclog-$size" "$LC" gc --store "$store" --grace 0s --json --quiet > "$WORK/gc.json"
  R[gc-$size]=$(wall "$WORK/t"); R[gcrss-$size]=$(rss "$WORK/t"); R[gccpu-$size]=$(cpu "$WORK/t")
  R[gcout-$size]=$(tr -d '\n ' < "$WORK/gc.json" | cut -c1-200)
  /usr/bin/time -v -o "$WORK/t" env JAVA_OPTS="-Xmx48m -XX:+UseSerialGC" "$LC" prune --store "$store" --app app-001 --keep 5 --quiet > /dev/null \
    && R[prune48-$size]="ok $(rss "$WORK/t")" || R[prune48-$size]="FAILED"
  # the live heap: the largest occupancy right after a collection (GC log), what gc really holds
  R[gclive-$size]=$(grep -o -E '[0-9]+M->[0-9]+M' "$WORK/gclog-$size" 2>/dev/null | sed -E 's/.*->([0-9]+)M/\1/' | sort -n | tail -1 || true)
  if /usr/bin/time -v -o "$WORK/t" env JAVA_OPTS="-Xmx48m -XX:+UseSerialGC" "$LC" gc --store "$store" --grace 0s --quiet > "$WORK/gc48.out" 2>&1; then
    R[gc48-$size]="ok $(rss "$WORK/t")"
  else
    R[gc48-$size]="FAILED"; log "gc with 48 MiB heap failed: $(tail -3 "$WORK/gc48.out")"
  fi
  R[blobs-$size]=$(find "$store/blobs" -type f | wc -l)
  rm -rf "$store"
done
LOAD_AFTER=$(uptime)
row() { printf '%-44s %10s %10s %10s %10s\n' "$1" "$2" "$3" "$4" "$5" >> "$WORK/table"; }
ratio() { echo "$2 / $1" | bc -l | cut -c1-5; }
row "wall s: list --app app-100 (median of $RUNS)" "${R[list-10]}" "${R[list-50]}" "$(ratio "${R[list-10]}" "${R[list-50]}")" "<= 2 s"
row "CPU s: list --app app-100 (median)" "${R[listcpu-10]}" "${R[listcpu-50]}" "$(ratio "${R[listcpu-10]}" "${R[listcpu-50]}")" ""
row "wall s: anchor java Hello (same rounds)" "${R[hello-10]}" "${R[hello-50]}" "" ""
row "wall s: list (every app)" "${R[listall-10]}" "${R[listall-50]}" "$(ratio "${R[listall-10]}" "${R[listall-50]}")" ""
row "peak RSS KiB: list (every app)" "${R[listallrss-10]}" "${R[listallrss-50]}" "$(ratio "${R[listallrss-10]}" "${R[listallrss-50]}")" ""
row "wall s: prune --app app-000 --keep 5" "${R[prune-10]}" "${R[prune-50]}" "$(ratio "${R[prune-10]}" "${R[prune-50]}")" ""
row "peak RSS KiB: prune (default heap)" "${R[prunerss-10]}" "${R[prunerss-50]}" "$(ratio "${R[prunerss-10]}" "${R[prunerss-50]}")" "same"
row "wall s: gc --grace 0s" "${R[gc-10]}" "${R[gc-50]}" "$(ratio "${R[gc-10]}" "${R[gc-50]}")" ""
row "CPU s: gc" "${R[gccpu-10]}" "${R[gccpu-50]}" "$(ratio "${R[gccpu-10]}" "${R[gccpu-50]}")" ""
row "peak RSS KiB: gc (default heap)" "${R[gcrss-10]}" "${R[gcrss-50]}" "$(ratio "${R[gcrss-10]}" "${R[gcrss-50]}")" "same"
row "MiB live heap after a GC, gc (max, GC log)" "${R[gclive-10]:-none}" "${R[gclive-50]:-none}" "" "same"
row "prune with -Xmx48m (peak RSS KiB)" "${R[prune48-10]// /:}" "${R[prune48-50]// /:}" "" "ok"
row "gc with -Xmx48m (peak RSS KiB)" "${R[gc48-10]// /:}" "${R[gc48-50]// /:}" "" "ok"
row "blobs left after gc" "${R[blobs-10]}" "${R[blobs-50]}" "" ""
echo
echo "P6 scale, folder store in ${BENCH_DIR:-/dev/shm}: $(date -u +%F' '%H:%M) UTC; ${R[gen-10]} / ${R[gen-50]}"
echo "load before: ${LOAD_BEFORE#*load average: }; after: ${LOAD_AFTER#*load average: }"
cat "$WORK/table"
echo "gc's result (2,000): ${R[gcout-10]}"
echo "gc's result (10,000): ${R[gcout-50]}"
