#!/usr/bin/env bash
# P6 scale (issue 18). Three parts, each printing its own table (PARTS="folder s3 concurrent", the default all three):
#
# folder: a folder store of 200 apps x 50 releases = 10,000 releases (generated through the store's API by
#   GenerateStore.java: each release names 3 blobs of its own and 3 its app shares: 30,600 blobs), and one of
#   200 x 10 = 2,000 (6,600 blobs). On each: `layercake list --app X` (goal <= 2 s; anchor: a hello-world java in the
#   same rounds), `list`, `prune --app X --keep 5`, `gc --grace 0s`: wall, CPU (user+sys) and peak RSS (GNU time -v),
#   as users run them and again with a 48 MiB heap, and the live heap after each collection (GC log, the largest
#   occupancy after a GC): memory independent of the blob count means the same live heap at both sizes and the
#   small heap enough for both.
# s3: the same two generated stores copied into an s3proxy 4.1.0 bucket (its own process, filesystem blob store, as
#   benchmarks/s3 starts it) with `rclone copy`, then list --app, prune and gc as above against S3 (the s3proxy
#   process's CPU beside ours). The manifests' S3 times are rclone's upload times, so an app's release order in S3
#   is the upload order, not the generated one (prune keeps "the newest 5" by those times).
# concurrent: 20 `layercake backup` processes started at once into one store, all of the same app (20 releases)
#   and then of 20 different apps; each source repository holds the same 6 shared files (1 MiB each: the 20 race on
#   the same blobs) and 2 of its own; then `layercake verify` of every release. In a folder store and, with s3 in
#   PARTS, in S3. JAVA_OPTS of the 20 backups: CONC_JAVA_OPTS (default -Xmx96m -XX:+UseSerialGC; 20 JVMs on 2 cores).
#
#   benchmarks/scale/run.sh     env RUNS (default 5), PARTS, SIZES (releases per app, default "10 50"),
#                               BENCH_DIR (default /dev/shm: the stores' 70,000 files)
# Needs: java 17, mvn, GNU time, bc, git, rclone (run with env -u AWS_CA_BUNDLE: /work/shared/FINDINGS.md); the CLI
# built (./mvnw -pl cli -am package -DskipTests).
set -euo pipefail
RUNS=${RUNS:-5}
PARTS=${PARTS:-"folder s3 concurrent"}
SIZES=${SIZES:-"10 50"}
CONC_JAVA_OPTS=${CONC_JAVA_OPTS:-"-Xmx96m -XX:+UseSerialGC"}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d "${BENCH_DIR:-/dev/shm}/layercake-bench-scale.XXXXXX")
S3_PID=
cleanup() { [ -n "$S3_PID" ] && kill "$S3_PID" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
log() { echo "[scale] $(date -u +%T) $*" >&2; }
has() { [[ " $PARTS " == *" $1 "* ]]; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "-"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
HZ=$(getconf CLK_TCK)
[ -f "$ROOT/cli/target/layercake.jar" ] || { echo "build the CLI first: ./mvnw -pl cli -am package -DskipTests" >&2; exit 2; }
LC="$ROOT/bin/layercake"
(cd "$ROOT" && ./mvnw -q -o -pl core -am test-compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" -Dlayercake.cds.skip=true >/dev/null)
CP="$ROOT/core/target/classes:$ROOT/registry-backup/target/classes:$(cat "$WORK/cp.txt")"
mkdir -p "$WORK/classes"
javac -d "$WORK/classes" -cp "$CP" "$ROOT/benchmarks/scale/GenerateStore.java" "$ROOT/benchmarks/s3/S3ProxyServer.java"
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' > "$WORK/Hello.java"
javac -d "$WORK/classes" "$WORK/Hello.java"

rss() { awk -F': ' '/Maximum resident set size/{print $2}' "$1"; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$1" | awk -F: '{print (NF==3 ? $1*3600+$2*60+$3 : $1*60+$2)}'; }
cpu() { awk -F': ' '/User time/{u=$2} /System time/{s=$2} END {print u+s}' "$1"; }
# the largest heap occupancy right after a collection, MiB (unified GC log "...M->NM(...)")
live() { grep -o -E '[0-9]+M->[0-9]+M' "$1" 2>/dev/null | sed -E 's/.*->([0-9]+)M/\1/' | sort -n | tail -1 || true; }
# the same after full collections only (what is really live; a young collection's "after" also counts old garbage)
livefull() { grep 'Pause Full' "$1" 2>/dev/null | grep -o -E '[0-9]+M->[0-9]+M' | sed -E 's/.*->([0-9]+)M/\1/' | sort -n | tail -1 || true; }
ticks() { if [ -n "$S3_PID" ]; then awk '{print $14 + $15}' "/proc/$S3_PID/stat"; else echo 0; fi; }
ratio() { if [[ "$1" =~ ^[0-9.]+$ && "$2" =~ ^[0-9.]+$ ]] && [ "$(echo "$1 > 0" | bc -l)" = 1 ]; then echo "$2 / $1" | bc -l | cut -c1-5; fi; }
declare -A R=()

if has s3; then
  mkdir -p "$WORK/s3data"
  cat > "$WORK/logback.xml" <<'XML'
<configuration><root level="WARN"/></configuration>
XML
  java -Xmx512m -XX:+UseSerialGC -Dlogback.configurationFile="$WORK/logback.xml" -cp "$WORK/classes:$CP" S3ProxyServer \
    "$WORK/s3data" "$WORK/endpoint" scale conc > "$WORK/s3proxy.log" 2>&1 &
  S3_PID=$!
  for _ in $(seq 1 600); do [ -f "$WORK/endpoint" ] && break; kill -0 "$S3_PID" || break; sleep 0.1; done
  [ -f "$WORK/endpoint" ] || { cat "$WORK/s3proxy.log" >&2; echo "s3proxy did not start" >&2; exit 1; }
  EP=$(cat "$WORK/endpoint")
  export AWS_ACCESS_KEY_ID=bench-access AWS_SECRET_ACCESS_KEY=bench-secret-0123456789 AWS_REGION=us-east-1
  S3OPTS=(--s3-endpoint "$EP" --s3-path-style --s3-region us-east-1)
  log "s3proxy at $EP"
fi

# measure KIND SIZE STORE STORE-OPTS...: list --app, list, prune, gc (default heap, GC log), prune + gc with -Xmx48m
measure() {
  local k=$1 size=$2 store=$3; shift 3
  local opts=("$@") r t0 c0
  : > "$WORK/list"; : > "$WORK/hello"; : > "$WORK/listcpu"
  for r in $(seq 1 "$RUNS"); do
    /usr/bin/time -v -o "$WORK/t" java -cp "$WORK/classes" Hello > /dev/null; wall "$WORK/t" >> "$WORK/hello"
    /usr/bin/time -v -o "$WORK/t" "$LC" list --store "$store" "${opts[@]}" --app app-100 > "$WORK/list.out"
    wall "$WORK/t" >> "$WORK/list"; cpu "$WORK/t" >> "$WORK/listcpu"
  done
  R[$k-listed-$size]=$(grep -c 'r000' "$WORK/list.out" || true)
  R[$k-list-$size]=$(median < "$WORK/list"); R[$k-listcpu-$size]=$(median < "$WORK/listcpu"); R[$k-hello-$size]=$(median < "$WORK/hello")
  /usr/bin/time -v -o "$WORK/t" "$LC" list --store "$store" "${opts[@]}" > /dev/null
  R[$k-listall-$size]=$(wall "$WORK/t"); R[$k-listallcpu-$size]=$(cpu "$WORK/t"); R[$k-listallrss-$size]=$(rss "$WORK/t")
  /usr/bin/time -v -o "$WORK/t" "$LC" prune --store "$store" "${opts[@]}" --app app-000 --keep 5 --quiet > /dev/null
  R[$k-prune-$size]=$(wall "$WORK/t"); R[$k-prunerss-$size]=$(rss "$WORK/t")
  c0=$(ticks)
  /usr/bin/time -v -o "$WORK/t" env JAVA_OPTS="-Xlog:gc:file=$WORK/gclog" "$LC" gc --store "$store" "${opts[@]}" --grace 0s --json --quiet > "$WORK/gc.json"
  R[$k-gcproxy-$size]=$(echo "($(ticks) - $c0) / $HZ" | bc -l | cut -c1-5)
  R[$k-gc-$size]=$(wall "$WORK/t"); R[$k-gcrss-$size]=$(rss "$WORK/t"); R[$k-gccpu-$size]=$(cpu "$WORK/t"); R[$k-gclive-$size]=$(live "$WORK/gclog")
  R[$k-gcout-$size]=$(tr -d '\n ' < "$WORK/gc.json" | sed -E 's/"store":"[^"]*",//' | cut -c1-170)
  if /usr/bin/time -v -o "$WORK/t" env JAVA_OPTS="-Xmx48m -XX:+UseSerialGC" "$LC" prune --store "$store" "${opts[@]}" --app app-001 --keep 5 --quiet > /dev/null; then
    R[$k-prune48-$size]="ok:$(rss "$WORK/t")"; else R[$k-prune48-$size]="FAILED"; fi
  if /usr/bin/time -v -o "$WORK/t" env JAVA_OPTS="-Xmx48m -XX:+UseSerialGC -Xlog:gc:file=$WORK/gclog48" "$LC" gc --store "$store" "${opts[@]}" \
      --grace 0s --json --quiet > "$WORK/gc48.out" 2>&1; then
    R[$k-gc48-$size]="ok:$(rss "$WORK/t")"; R[$k-gc48live-$size]=$(live "$WORK/gclog48"); R[$k-gc48full-$size]=$(livefull "$WORK/gclog48"); R[$k-gc48fulls-$size]=$(grep -c 'Pause Full' "$WORK/gclog48" || true); R[$k-gc48cpu-$size]=$(cpu "$WORK/t")
    R[$k-gc48n-$size]=$(grep -o '"blobsCollected" *: *[0-9]*' "$WORK/gc48.out" | grep -o '[0-9]*$' || true)
  else
    R[$k-gc48-$size]="FAILED"; log "gc with 48 MiB heap failed: $(tail -3 "$WORK/gc48.out")"
  fi
}

table() {
  local k=$1 a=$2 b=$3
  row() { printf '%-46s %11s %11s %8s %8s\n' "$1" "$2" "$3" "$4" "$5"; }
  row "measure" "$((200 * a)) rel" "$((200 * b)) rel" "ratio" "goal"
  row "wall s: list --app app-100 (median of $RUNS)" "${R[$k-list-$a]}" "${R[$k-list-$b]}" "$(ratio "${R[$k-list-$a]}" "${R[$k-list-$b]}")" "<= 2 s"
  row "CPU s: list --app app-100 (median)" "${R[$k-listcpu-$a]}" "${R[$k-listcpu-$b]}" "$(ratio "${R[$k-listcpu-$a]}" "${R[$k-listcpu-$b]}")" ""
  row "releases listed by list --app app-100" "${R[$k-listed-$a]}" "${R[$k-listed-$b]}" "" ""
  row "wall s: anchor java Hello (same rounds)" "${R[$k-hello-$a]}" "${R[$k-hello-$b]}" "" ""
  row "wall s: list (every app)" "${R[$k-listall-$a]}" "${R[$k-listall-$b]}" "$(ratio "${R[$k-listall-$a]}" "${R[$k-listall-$b]}")" ""
  row "CPU s: list (every app)" "${R[$k-listallcpu-$a]}" "${R[$k-listallcpu-$b]}" "$(ratio "${R[$k-listallcpu-$a]}" "${R[$k-listallcpu-$b]}")" ""
  row "wall s: prune --app app-000 --keep 5" "${R[$k-prune-$a]}" "${R[$k-prune-$b]}" "$(ratio "${R[$k-prune-$a]}" "${R[$k-prune-$b]}")" ""
  row "peak RSS KiB: prune (default heap)" "${R[$k-prunerss-$a]}" "${R[$k-prunerss-$b]}" "$(ratio "${R[$k-prunerss-$a]}" "${R[$k-prunerss-$b]}")" "same"
  row "wall s: gc --grace 0s" "${R[$k-gc-$a]}" "${R[$k-gc-$b]}" "$(ratio "${R[$k-gc-$a]}" "${R[$k-gc-$b]}")" ""
  row "CPU s: gc" "${R[$k-gccpu-$a]}" "${R[$k-gccpu-$b]}" "$(ratio "${R[$k-gccpu-$a]}" "${R[$k-gccpu-$b]}")" ""
  [ "$k" = s3 ] && row "CPU s: s3proxy during gc" "${R[$k-gcproxy-$a]}" "${R[$k-gcproxy-$b]}" "$(ratio "${R[$k-gcproxy-$a]}" "${R[$k-gcproxy-$b]}")" ""
  row "peak RSS KiB: gc (default heap)" "${R[$k-gcrss-$a]}" "${R[$k-gcrss-$b]}" "$(ratio "${R[$k-gcrss-$a]}" "${R[$k-gcrss-$b]}")" ""
  row "MiB live heap after a GC: gc (default heap)" "${R[$k-gclive-$a]:-none}" "${R[$k-gclive-$b]:-none}" "" "same"
  row "prune with -Xmx48m (peak RSS KiB)" "${R[$k-prune48-$a]}" "${R[$k-prune48-$b]}" "" "ok"
  row "gc with -Xmx48m (peak RSS KiB)" "${R[$k-gc48-$a]}" "${R[$k-gc48-$b]}" "" "ok"
  row "MiB live heap after a GC: gc -Xmx48m" "${R[$k-gc48live-$a]:-none}" "${R[$k-gc48live-$b]:-none}" "" "same"
  row "MiB after full GCs, gc -Xmx48m (max:count)" "${R[$k-gc48full-$a]:-none}:${R[$k-gc48fulls-$a]:-0}" "${R[$k-gc48full-$b]:-none}:${R[$k-gc48fulls-$b]:-0}" "" "same"
  row "CPU s: gc -Xmx48m; blobs it collected" "${R[$k-gc48cpu-$a]:-}:${R[$k-gc48n-$a]:-}" "${R[$k-gc48cpu-$b]:-}:${R[$k-gc48n-$b]:-}" "" ""
  row "blobs left after gc" "${R[$k-blobs-$a]:-}" "${R[$k-blobs-$b]:-}" "" ""
  echo "gc's result ($((200 * a))): ${R[$k-gcout-$a]}"
  echo "gc's result ($((200 * b))): ${R[$k-gcout-$b]}"
}

OUT="$WORK/out.txt"; : > "$OUT"
if has folder || has s3; then
  LOAD_BEFORE=$(uptime)
  for size in $SIZES; do
    store="$WORK/store-$size"
    t0=$(date +%s.%N)
    gen=$(java -Xmx256m -XX:+UseSerialGC -cp "$WORK/classes:$CP" GenerateStore "$store" 200 "$size" 3 3)
    R[gen-$size]="$gen"
    log "generated $gen in $(echo "$(date +%s.%N) - $t0" | bc -l | cut -c1-6) s: $(find "$store" -type f | wc -l) files"
    if has s3; then
      t0=$(date +%s.%N)
      env -u AWS_CA_BUNDLE rclone copy --transfers 8 --checkers 8 --exclude '.tmp/**' "$store" \
        ":s3,provider=Other,access_key_id=$AWS_ACCESS_KEY_ID,secret_access_key=$AWS_SECRET_ACCESS_KEY,region=us-east-1,endpoint='$EP',force_path_style=true:scale/s$size"
      R[s3gen-$size]=$(echo "$(date +%s.%N) - $t0" | bc -l | cut -c1-6)
      R[s3objects-$size]=$(find "$WORK/s3data/scale/s$size" -type f | wc -l)
      log "copied into s3proxy in ${R[s3gen-$size]} s: ${R[s3objects-$size]} objects"
    fi
    if has folder; then
      log "folder store, $size releases per app"
      measure folder "$size" "$store"
      R[folder-blobs-$size]=$(find "$store/blobs" -type f | wc -l)
    fi
    rm -rf "$store"
    if has s3; then
      log "S3 store, $size releases per app"
      measure s3 "$size" "s3://scale/s$size" "${S3OPTS[@]}"
      R[s3-blobs-$size]=$(find "$WORK/s3data/scale/s$size/blobs" -type f | wc -l)
      rm -rf "$WORK/s3data/scale/s$size"
    fi
  done
  LOAD_AFTER=$(uptime)
  read -r A B <<< "$SIZES"
  if has folder; then
    { echo; echo "P6 scale, folder store in ${BENCH_DIR:-/dev/shm}: $(date -u +%F' '%H:%M) UTC; ${R[gen-$A]} / ${R[gen-$B]}"
      echo "load before: ${LOAD_BEFORE#*load average: }; after: ${LOAD_AFTER#*load average: }"
      table folder "$A" "$B"; } | tee -a "$OUT"
  fi
  if has s3; then
    { echo; echo "P6 scale, S3 store (s3proxy 4.1.0, filesystem blob store in ${BENCH_DIR:-/dev/shm}): $(date -u +%F' '%H:%M) UTC; the same stores"
      echo "copied in with rclone copy --transfers 8: ${R[s3objects-$A]} objects in ${R[s3gen-$A]} s / ${R[s3objects-$B]} objects in ${R[s3gen-$B]} s"
      echo "load before: ${LOAD_BEFORE#*load average: }; after: ${LOAD_AFTER#*load average: }"
      table s3 "$A" "$B"; } | tee -a "$OUT"
  fi
fi

# --- 20 backups at once ---------------------------------------------------------------------------------------------
if has concurrent; then
  head -c $((6 * 1024 * 1024)) /dev/urandom > "$WORK/shared.bin"
  for i in $(seq -w 1 20); do
    repo="$WORK/repo-$i"; mkdir -p "$repo/deploy"
    for s in 1 2 3 4 5 6; do dd if="$WORK/shared.bin" of="$repo/shared-$s.bin" bs=1M skip=$((s - 1)) count=1 status=none; done
    head -c 200000 /dev/urandom > "$repo/own-$i.bin"
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-%s\ndata:\n  n: "%s"\n' "$i" "$i" > "$repo/deploy/cm.yaml"
    git -C "$repo" init -q -b main && git -C "$repo" add . && git -C "$repo" -c user.name=b -c user.email=b@b commit -q -m "release $i"
  done
  # round KIND MODE STORE OPTS...: 20 backups started at once, then verify of each
  round() {
    local kind=$1 mode=$2 store=$3; shift 3
    local opts=("$@") i app pids=() ok=0 vok=0 c0 t0
    c0=$(ticks); t0=$(date +%s.%N)
    for i in $(seq -w 1 20); do
      if [ "$mode" = same ]; then app=conc-same; else app="conc-$i"; fi
      JAVA_OPTS="$CONC_JAVA_OPTS" /usr/bin/time -f "%e %U %S %M" -o "$WORK/ct-$i" "$LC" backup --app "$app" --release "r-$mode-$i" \
        --store "$store" "${opts[@]}" --source "$WORK/repo-$i" --include '*.bin' --image-mode none --quiet --json \
        > "$WORK/cb-$i.out" 2> "$WORK/cb-$i.err" &
      pids+=($!)
    done
    for i in "${!pids[@]}"; do if wait "${pids[$i]}"; then ok=$((ok + 1)); else log "backup $((i + 1)) ($kind $mode) failed: $(tail -2 "$WORK/cb-$(printf %02d $((i + 1))).err")"; fi; done
    local w; w=$(echo "$(date +%s.%N) - $t0" | bc -l | cut -c1-6)
    local proxy; proxy=$(echo "($(ticks) - $c0) / $HZ" | bc -l | cut -c1-5)
    local cpus; cpus=$(cat "$WORK"/ct-* | awk '{s += $2 + $3} END {print s}')
    local walls; walls=$(cat "$WORK"/ct-* | awk '{print $1}' | median)
    local rsss; rsss=$(cat "$WORK"/ct-* | awk '{print $4}' | sort -n | tail -1)
    : > "$WORK/vt"
    for i in $(seq -w 1 20); do
      if [ "$mode" = same ]; then app=conc-same; else app="conc-$i"; fi
      if /usr/bin/time -f "%e" -o "$WORK/v1" "$LC" verify --store "$store" "${opts[@]}" --app "$app" --release "r-$mode-$i" --quiet --json > "$WORK/v.out" 2>&1; then
        vok=$((vok + 1)); else log "verify $app/r-$mode-$i ($kind) failed: $(tail -3 "$WORK/v.out")"; fi
      cat "$WORK/v1" >> "$WORK/vt"
    done
    local rels; rels=$("$LC" list --store "$store" "${opts[@]}" --json 2>/dev/null | grep -o "r-$mode-[0-9]*" | sort -u | wc -l)
    printf '%-7s %-10s %8s %9s %10s %10s %10s %10s %9s %9s %9s\n' "$kind" "$mode" "$ok/20" "$w" "$walls" "$cpus" "$rsss" "${proxy}" \
      "$rels" "$vok/20" "$(median < "$WORK/vt")" >> "$WORK/ctable"
    rm -f "$WORK"/ct-*
  }
  : > "$WORK/ctable"
  LOAD_BEFORE=$(uptime)
  # the anchor: one such backup alone (3 of them, one after the other, into a store of their own), median wall and CPU
  : > "$WORK/alone"
  for i in 01 02 03; do
    JAVA_OPTS="$CONC_JAVA_OPTS" /usr/bin/time -f "%e %U %S %M" -o "$WORK/t1" "$LC" backup --app alone --release "r$i" --store "$WORK/alone-store" \
      --source "$WORK/repo-$i" --include '*.bin' --image-mode none --quiet --json > /dev/null
    awk '{print $1, $2 + $3, $4}' "$WORK/t1" >> "$WORK/alone"
  done
  ALONE_WALL=$(awk '{print $1}' "$WORK/alone" | median); ALONE_CPU=$(awk '{print $2}' "$WORK/alone" | median)
  rm -rf "$WORK/alone-store"
  log "20 backups at once: folder store"
  round folder same "$WORK/conc-store"
  round folder different "$WORK/conc-store"
  if has s3; then
    log "20 backups at once: S3 store"
    round s3 same "s3://conc/c" "${S3OPTS[@]}"
    round s3 different "s3://conc/c" "${S3OPTS[@]}"
  fi
  LOAD_AFTER=$(uptime)
  { echo; echo "P6: 20 backups at once into one store: $(date -u +%F' '%H:%M) UTC; each 6 shared 1 MiB files + 1 own of 200 KB + 1 yaml,"
    echo "--image-mode none; JAVA_OPTS of each backup: $CONC_JAVA_OPTS; load before: ${LOAD_BEFORE#*load average: }; after: ${LOAD_AFTER#*load average: }"
    printf '%-7s %-10s %8s %9s %10s %10s %10s %10s %9s %9s %9s\n' "store" "apps" "backups" "wall s" "med wall" "CPU s sum" "max RSS" "s3proxy s" \
      "listed" "verified" "verify s"
    cat "$WORK/ctable"
    echo "anchor: one such backup alone (median of 3): wall $ALONE_WALL s, CPU $ALONE_CPU s; 20 of them one after the other would be"
    echo "  $(echo "20 * $ALONE_WALL" | bc -l) s wall, $(echo "20 * $ALONE_CPU" | bc -l) s CPU"
    echo "(wall s: the 20 from start to the last end; med wall: median of each backup's wall; CPU s sum: user+sys of the 20;"
    echo " listed: releases of the round list shows; verify s: median wall of one 'layercake verify', run one after the other)"
    if [ -d "$WORK/conc-store" ]; then echo "folder store after both rounds: $(find "$WORK/conc-store/blobs" -type f | wc -l) blobs, $(find "$WORK/conc-store/.tmp" -type f 2>/dev/null | wc -l) files left in .tmp, $(find "$WORK/conc-store" -path '*locks*' -type f | wc -l) lock files"; fi
  } | tee -a "$OUT"
fi
