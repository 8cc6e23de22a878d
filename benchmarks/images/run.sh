#!/usr/bin/env bash
# Image backup benchmark (issue 3). Everything on 127.0.0.1, started and stopped here.
#
#   1. podman builds 20 images sharing base layers (4 base layers of 10-60 MiB, one 2 MiB layer per app)
#      and pushes them to a source docker-registry.
#   2. RUNS times (default 3), one after the other in the same run:
#        skopeo copy --all --preserve-digests of each image, image after image, into a fresh registry;
#        Layercake backup of the 20 images (release store + --image-target) into another fresh registry;
#        a second Layercake backup of the unchanged release (new release id, same store and target);
#        a third and a fourth in one JVM, the fourth timed: a long-lived Jenkins agent's next build (no JVM
#        start, classes loaded).
#      and the same two backups with the real CLI, bin/layercake (with the class-data sharing archive the
#      package build records next to the jar; one untimed backup before the runs).
#   3. Peak RSS of a Layercake backup of a 50 MiB image vs a 2 GiB image (3 runs each).
#   Prints a table of medians and ratios.
#
# Needs: docker-registry, podman, skopeo, curl, GNU time, java 17, mvn (Debian packages; see .ci/run).
set -euo pipefail

RUNS=${RUNS:-3}
BIG_MIB=${BIG_MIB:-2048}
SMALL_MIB=${SMALL_MIB:-50}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/layercake-bench-images.XXXXXX)
declare -A REG_PID=()

cleanup() {
  for name in "${!REG_PID[@]}"; do kill "${REG_PID[$name]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

log() { echo "[bench] $*" >&2; }

PODMAN=(podman --root "$WORK/podman/root" --runroot "$WORK/podman/run" --storage-driver vfs
        --cgroup-manager cgroupfs --events-backend file --tmpdir "$WORK/podman/tmp")
mkdir -p "$WORK/podman/tmp"

free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 12000 ))  # below the kernel's ephemeral range (32768+), where clients bind
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

# start_registry NAME -> sets REG_PORT[NAME]; fresh storage each time
declare -A REG_PORT=()
start_registry() {
  local name=$1 port dir attempt
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    dir="$WORK/registry-$name"
    rm -rf "$dir"; mkdir -p "$dir"
    cat > "$dir/config.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
YML
    docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
    REG_PID[$name]=$!
    REG_PORT[$name]=$port
    for _ in $(seq 1 200); do
      curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && return
      kill -0 "${REG_PID[$name]}" 2>/dev/null || break   # exited: the port was taken between probe and bind
      sleep 0.05
    done
    grep -q 'address already in use' "$dir/log" || break
  done
  echo "registry $name did not start: $(cat "$dir/log")" >&2; exit 1
}

stop_registry() {
  local name=$1
  kill "${REG_PID[$name]}" 2>/dev/null || true
  wait "${REG_PID[$name]}" 2>/dev/null || true
  unset "REG_PID[$name]"
  rm -rf "$WORK/registry-$name"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime+stime of a process, in 1/CLK_TCK s
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }

# --- build Layercake (package only; never install) and the benchmark driver -------------------------
log "building Layercake"
(cd "$ROOT" && mvn -q -pl cli -am -DskipTests package dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/cp.txt" >/dev/null)
# Test-scope logging bindings must not slow the driver down: keep the runtime classpath only.
CP="$ROOT/core/target/classes:$(tr ':' '\n' < "$WORK/cp.txt" | grep -v -E 'logback|slf4j-simple' | paste -sd:)"
mkdir -p "$WORK/bench-classes"
javac -d "$WORK/bench-classes" -cp "$CP" "$ROOT/benchmarks/images/ImageBackupBench.java"
CP="$WORK/bench-classes:$CP"
# A bounded heap, as the CLI launcher should set: blobs are streamed, so memory must not grow with image size.
JAVA_OPTS=${JAVA_OPTS:-"-Xmx256m -XX:+UseSerialGC"}

# A git checkout for the backup's source capture.
mkdir -p "$WORK/checkout"
(cd "$WORK/checkout" && git init -q -b main && printf 'FROM scratch\n' > Dockerfile && git add . \
  && git -c user.name=bench -c user.email=bench@example.com commit -q -m bench)

# --- images -----------------------------------------------------------------------------------------
start_registry source
SRC="127.0.0.1:${REG_PORT[source]}"
log "building 20 images with podman"
ctx="$WORK/ctx"; mkdir -p "$ctx"
layer() { head -c "$(( $2 * 1024 * 1024 ))" /dev/urandom > "$ctx/$1"; }
layer a1 60; layer a2 20; layer b1 40; layer b2 10
printf 'FROM scratch\nCOPY a1 /a1\nCOPY a2 /a2\n' > "$ctx/Base-a"
printf 'FROM scratch\nCOPY b1 /b1\nCOPY b2 /b2\n' > "$ctx/Base-b"
"${PODMAN[@]}" build -q --pull=never -t localhost/bench-base-a:1 -f "$ctx/Base-a" "$ctx" >/dev/null
"${PODMAN[@]}" build -q --pull=never -t localhost/bench-base-b:1 -f "$ctx/Base-b" "$ctx" >/dev/null
IMAGES=()
for i in $(seq 1 20); do
  base=$([ $((i % 2)) -eq 0 ] && echo a || echo b)
  layer "app$i" 2
  printf 'FROM localhost/bench-base-%s:1\nCOPY app%s /app\n' "$base" "$i" > "$ctx/App$i"
  "${PODMAN[@]}" build -q --pull=never -t "localhost/bench-app$i:1" -f "$ctx/App$i" "$ctx" >/dev/null
  "${PODMAN[@]}" push -q --tls-verify=false "localhost/bench-app$i:1" "docker://$SRC/bench/app$i:1"
  IMAGES+=("bench/app$i:1")
done
UNIQUE=$(find "$WORK/registry-source/data/docker/registry/v2/blobs" -name data | wc -l)
BYTES=$(find "$WORK/registry-source/data/docker/registry/v2/blobs" -name data -printf '%s\n' | awk '{s+=$1} END {print s}')
log "source: 20 images, $UNIQUE unique blobs (manifests included), $BYTES bytes"

# The real CLI as users run it (bin/layercake, on the class-data sharing archive package made): one backup first, untimed.
cli_backup() { # store target release -> the CLI's wall seconds on stdout
  local cargs=(backup --app bench --store "$1" --source "$WORK/checkout" --image-target "$2/keep" --insecure-registry "$SRC"
               --insecure-registry "$2" --release "$3" --json --quiet)
  for img in "${IMAGES[@]}"; do cargs+=(--image "$SRC/$img"); done
  JAVA_OPTS="$JAVA_OPTS" /usr/bin/time -f "%e" -o "$WORK/timec" "$ROOT/bin/layercake" "${cargs[@]}" > "$WORK/outc" 2>"$WORK/errc" \
    || { cat "$WORK/errc" "$WORK/outc" >&2; exit 1; }
  cat "$WORK/timec"
}
start_registry cli
cli_backup "$WORK/cli-store-warmup" "127.0.0.1:${REG_PORT[cli]}" warmup >/dev/null
stop_registry cli; rm -rf "$WORK/cli-store-warmup"
[ -f "$ROOT/cli/target/layercake.jsa" ] || { echo "the build recorded no class-data sharing archive (cli/target/layercake.jsa)" >&2; exit 1; }

# --- runs -------------------------------------------------------------------------------------------
: > "$WORK/skcpu.txt"; : > "$WORK/lccpu.txt"; : > "$WORK/skopeo.txt"; : > "$WORK/lc1.txt"; : > "$WORK/lc2.txt"; : > "$WORK/lc2bytes.txt"; : > "$WORK/lc1rss.txt"; : > "$WORK/e1.txt"; : > "$WORK/e2.txt"; : > "$WORK/lcreg.txt"; : > "$WORK/warm.txt"; : > "$WORK/cli1.txt"; : > "$WORK/cli2.txt"
for r in $(seq 1 "$RUNS"); do
  start_registry skopeo
  DST="127.0.0.1:${REG_PORT[skopeo]}"
  cs0=$(cpu_ticks "${REG_PID[source]}"); cd0=$(cpu_ticks "${REG_PID[skopeo]}")
  t0=$(now)
  /usr/bin/time -f "%U %S" -o "$WORK/times" bash -c "$(declare -p IMAGES SRC DST); for img in \"\${IMAGES[@]}\"; do
    skopeo copy -q --all --preserve-digests --src-tls-verify=false --dest-tls-verify=false \"docker://\$SRC/\$img\" \"docker://\$DST/\$img\" >/dev/null
  done"
  t1=$(now)
  echo "$t1 - $t0" | bc -l >> "$WORK/skopeo.txt"
  echo "$(awk '{print $1 + $2}' "$WORK/times") $(( $(cpu_ticks "${REG_PID[source]}") - cs0 )) $(( $(cpu_ticks "${REG_PID[skopeo]}") - cd0 ))" >> "$WORK/skcpu.txt"
  stop_registry skopeo

  start_registry target
  DST="127.0.0.1:${REG_PORT[target]}"
  store="$WORK/store-$r"
  args=(--store "$store" --source "$WORK/checkout" --target "$DST/keep" --insecure "$SRC" --insecure "$DST")
  for img in "${IMAGES[@]}"; do args+=(--image "$SRC/$img"); done
  cs0=$(cpu_ticks "${REG_PID[source]}"); cd0=$(cpu_ticks "${REG_PID[target]}")
  /usr/bin/time -f "%e %M %U %S" -o "$WORK/time1" java $JAVA_OPTS -cp "$CP" ImageBackupBench "${args[@]}" --release "first" > "$WORK/out1"
  echo "$(awk '{print $3 + $4}' "$WORK/time1") $(( $(cpu_ticks "${REG_PID[source]}") - cs0 )) $(( $(cpu_ticks "${REG_PID[target]}") - cd0 ))" >> "$WORK/lccpu.txt"
  /usr/bin/time -f "%e %M" -o "$WORK/time2" java $JAVA_OPTS -cp "$CP" ImageBackupBench "${args[@]}" --release "second" > "$WORK/out2"
  java $JAVA_OPTS -cp "$CP" ImageBackupBench "${args[@]}" --release "third" --then-again "fourth-warm" > "$WORK/out4"
  awk '{print $1}' "$WORK/time1" >> "$WORK/lc1.txt"
  awk '{print $2}' "$WORK/time1" >> "$WORK/lc1rss.txt"
  awk '{print $1}' "$WORK/time2" >> "$WORK/lc2.txt"
  grep -o 'registry_bytes_uploaded=[0-9]*' "$WORK/out2" | cut -d= -f2 >> "$WORK/lc2bytes.txt"
  grep -o 'engine_ms=[0-9]*' "$WORK/out1" | cut -d= -f2 >> "$WORK/e1.txt"
  grep -o 'engine_ms=[0-9]*' "$WORK/out2" | cut -d= -f2 >> "$WORK/e2.txt"
  grep -o 'warm_ms=[0-9]*' "$WORK/out4" | cut -d= -f2 >> "$WORK/warm.txt"
  stop_registry target

  # The registry-backup module alone into a fresh registry (no store, no sources): skopeo's own job.
  start_registry target
  DST="127.0.0.1:${REG_PORT[target]}"
  rargs=(--insecure "$SRC" --insecure "$DST")
  for img in "${IMAGES[@]}"; do rargs+=(--image "$SRC/$img"); done
  /usr/bin/time -f "%e %M" -o "$WORK/time3" java $JAVA_OPTS -cp "$CP" ImageBackupBench "${rargs[@]}" --registry-only "$DST/keep" > "$WORK/out3"
  awk '{print $1}' "$WORK/time3" >> "$WORK/lcreg.txt"
  stop_registry target
  start_registry cli
  cli_backup "$WORK/cli-store-$r" "127.0.0.1:${REG_PORT[cli]}" first >> "$WORK/cli1.txt"
  cli_backup "$WORK/cli-store-$r" "127.0.0.1:${REG_PORT[cli]}" second >> "$WORK/cli2.txt"
  grep -q '"blobsWritten" : 0' "$WORK/outc" || { echo "the CLI's second backup wrote blobs: $(cat "$WORK/outc")" >&2; exit 1; }
  stop_registry cli; rm -rf "$WORK/cli-store-$r"
  log "run $r: CLI first $(tail -1 "$WORK/cli1.txt") s, second $(tail -1 "$WORK/cli2.txt") s"
  log "run $r: skopeo $(tail -1 "$WORK/skopeo.txt") s; layercake $(tail -1 "$WORK/lc1.txt") s; second $(tail -1 "$WORK/lc2.txt") s; registry-only $(tail -1 "$WORK/lcreg.txt") s; warm JVM $(tail -1 "$WORK/warm.txt") ms ($(grep engine_ms "$WORK/out2"))"
  rm -rf "$store"
done

# --- memory: 50 MiB vs 2 GiB image (one uncompressed layer each, pushed with curl as OCI images) ------
upload_blob() { # repo file digest: a monolithic upload (POST, then PUT with the whole file)
  local loc
  loc=$(curl -fsi -X POST "http://$SRC/v2/$1/blobs/uploads/" | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')
  case "$loc" in http*) ;; *) loc="http://$SRC$loc" ;; esac
  curl -fs -X PUT -H 'Content-Type: application/octet-stream' -T "$2" "$loc&digest=$3" >/dev/null
}
push_raw_image() { # repo size_mib
  local repo=$1 mib=$2 d="$WORK/raw-$1"
  mkdir -p "$d/fs"
  head -c "$(( mib * 1024 * 1024 ))" /dev/urandom > "$d/fs/payload"
  tar -C "$d/fs" -cf "$d/layer.tar" payload
  rm -f "$d/fs/payload"
  local ld ls cd cs
  ld="sha256:$(sha256sum "$d/layer.tar" | cut -d' ' -f1)"; ls=$(stat -c %s "$d/layer.tar")
  printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["%s"]}}' "$ld" > "$d/config.json"
  cd="sha256:$(sha256sum "$d/config.json" | cut -d' ' -f1)"; cs=$(stat -c %s "$d/config.json")
  upload_blob "$repo" "$d/layer.tar" "$ld"
  upload_blob "$repo" "$d/config.json" "$cd"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%s}]}' \
    "$cd" "$cs" "$ld" "$ls" > "$d/manifest.json"
  curl -fs -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "@$d/manifest.json" \
    "http://$SRC/v2/$repo/manifests/1" >/dev/null
  rm -rf "$d"
}
log "pushing a ${SMALL_MIB} MiB and a ${BIG_MIB} MiB image"
push_raw_image mem/small "$SMALL_MIB"
push_raw_image mem/big "$BIG_MIB"
: > "$WORK/rss-small.txt"; : > "$WORK/rss-big.txt"
for r in $(seq 1 "$RUNS"); do
  for which in small big; do
    start_registry target
    DST="127.0.0.1:${REG_PORT[target]}"
    /usr/bin/time -f "%e %M" -o "$WORK/timem" java $JAVA_OPTS -cp "$CP" ImageBackupBench --store "$WORK/mem-store" \
      --source "$WORK/checkout" --target "$DST/keep" --insecure "$SRC" --insecure "$DST" \
      --image "$SRC/mem/$which:1" --release "m$r" > /dev/null
    awk '{print $2}' "$WORK/timem" >> "$WORK/rss-$which.txt"
    log "memory run $r $which: $(cat "$WORK/timem")"
    stop_registry target
    rm -rf "$WORK/mem-store"
  done
done

# --- table ------------------------------------------------------------------------------------------
S=$(median < "$WORK/skopeo.txt"); L1=$(median < "$WORK/lc1.txt"); L2=$(median < "$WORK/lc2.txt")
B2=$(median < "$WORK/lc2bytes.txt"); R1=$(median < "$WORK/lc1rss.txt")
LR=$(median < "$WORK/lcreg.txt"); E1=$(median < "$WORK/e1.txt"); E2=$(median < "$WORK/e2.txt"); W2=$(median < "$WORK/warm.txt"); C1=$(median < "$WORK/cli1.txt"); C2=$(median < "$WORK/cli2.txt")
MS=$(median < "$WORK/rss-small.txt"); MB=$(median < "$WORK/rss-big.txt")
echo
echo "Image backup benchmark: 20 images, $UNIQUE unique blobs, $((BYTES / 1024 / 1024)) MiB; medians of $RUNS runs; JAVA_OPTS=$JAVA_OPTS"
printf '%-58s %12s %12s %10s %s\n' "measure" "layercake" "anchor" "ratio" "target"
printf '%-58s %12.2f %12.2f %10.2f %s\n' "wall s: backup into a fresh registry vs skopeo copy --all" "$L1" "$S" "$(echo "$L1 / $S" | bc -l)" "<= 0.50"
printf '%-58s %12.2f %12.2f %10.2f %s\n' "wall s: the CLI (bin/layercake, CDS archive) vs skopeo" "$C1" "$S" "$(echo "$C1 / $S" | bc -l)" "<= 0.50"
printf '%-58s %12.2f %12.2f %10.2f %s\n' "wall s: registry-backup module alone (no store) vs skopeo" "$LR" "$S" "$(echo "$LR / $S" | bc -l)" ""
printf '%-58s %12.2f %12.2f %10.3f %s\n' "wall s: second backup, unchanged vs first" "$L2" "$L1" "$(echo "$L2 / $L1" | bc -l)" "<= 0.05"
printf '%-58s %12.2f %12.2f %10.3f %s\n' "wall s: the CLI's second backup vs its first" "$C2" "$C1" "$(echo "$C2 / $C1" | bc -l)" "<= 0.05"
printf '%-58s %12.2f %12.2f %10.3f %s\n' "engine s (in-process, no JVM start): second vs first" "$(echo "$E2 / 1000" | bc -l)" "$(echo "$E1 / 1000" | bc -l)" "$(echo "$E2 / $E1" | bc -l)" "<= 0.05"
printf '%-58s %12.2f %12.2f %10.3f %s\n' "engine s, warm JVM (a Jenkins agent's next build): same" "$(echo "$W2 / 1000" | bc -l)" "$(echo "$E1 / 1000" | bc -l)" "$(echo "$W2 / $E1" | bc -l)" "<= 0.05"
printf '%-58s %12d %12s %10s %s\n' "bytes uploaded to the registry by the second backup" "$B2" "-" "-" "0"
printf '%-58s %12d %12d %10.2f %s\n' "peak RSS KiB: ${BIG_MIB} MiB image vs ${SMALL_MIB} MiB image" "$MB" "$MS" "$(echo "$MB / $MS" | bc -l)" "<= 1.20"
printf '%-58s %12d %12s %10s %s\n' "peak RSS KiB: the 20-image backup" "$R1" "-" "-" ""
HZ=$(getconf CLK_TCK)
c() { awk -v c="$2" '{print $c}' "$WORK/$1" | median; }
printf '%-58s %12.2f %12.2f %10.2f %s\n' "CPU s of our JVM (first backup) vs skopeo's processes" "$(c lccpu.txt 1)" "$(c skcpu.txt 1)" "$(echo "$(c lccpu.txt 1) / $(c skcpu.txt 1)" | bc -l)" ""
printf '%-58s %12.2f %12.2f %10.2f %s\n' "CPU s of the source registry, same copies" "$(echo "$(c lccpu.txt 2) / $HZ" | bc -l)" "$(echo "$(c skcpu.txt 2) / $HZ" | bc -l)" "$(echo "$(c lccpu.txt 2) / $(c skcpu.txt 2)" | bc -l)" ""
printf '%-58s %12.2f %12.2f %10.2f %s\n' "CPU s of the destination registry, same copies" "$(echo "$(c lccpu.txt 3) / $HZ" | bc -l)" "$(echo "$(c skcpu.txt 3) / $HZ" | bc -l)" "$(echo "$(c lccpu.txt 3) / $(c skcpu.txt 3)" | bc -l)" ""
echo "load at the end: $(uptime | sed 's/.*load average: //')"
