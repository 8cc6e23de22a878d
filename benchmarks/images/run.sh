#!/usr/bin/env bash
# Image backup benchmark (issue 3). Everything on 127.0.0.1, started and stopped here.
#
#   1. podman builds 20 images sharing base layers (4 base layers of 10-60 MiB, one 2 MiB layer per app)
#      and pushes them to a source docker-registry.
#   2. RUNS times (default 3), one after the other in the same run:
#        skopeo copy --all --preserve-digests of each image, image after image, into a fresh registry, then the
#        same into a fresh oci: layout (skopeo doing both jobs of a full backup: the anchor);
#        Layercake backup of the 20 images (release store + --image-target) into another fresh registry;
#        the registry-backup module alone (resolve + copy into a fresh registry): skopeo's own job;
#        a second Layercake backup of the unchanged release (new release id, same store and target);
#        a third and a fourth in one JVM, the fourth timed: a long-lived Jenkins agent's next build (no JVM
#        start, classes loaded).
#      and the same two backups with the real CLI, bin/layercake (with the class-data sharing archive the
#      package build records next to the jar; one untimed backup before the runs).
#   3. Peak RSS of a Layercake backup of a 50 MiB image vs a 2 GiB image (3 runs each; MEMORY=0 skips it).
#   Every run records wall time, the tool's CPU (user+sys, GNU time), the CPU of each registry process
#   (utime+stime from /proc), and the requests each registry logged (access log), blob GETs at the source apart.
#   Prints a table of medians and ratios, the load average before and after, and every run's numbers.
#
# Needs: docker-registry, podman, skopeo, curl, GNU time, java 17, mvn (Debian packages; see .ci/run).
set -euo pipefail

RUNS=${RUNS:-3}
MEMORY=${MEMORY:-1}   # 0: skip the 50 MiB vs 2 GiB peak-RSS part
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
    disabled: false
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

# The access log (one line per request, on the registry's stderr) gives the request counts.
reqs() { grep -c -E '"(GET|HEAD|PUT|POST|PATCH|DELETE) /v2' "$WORK/registry-$1/log" || true; }
reqlines() { grep -c '' "$WORK/registry-$1/log" || true; }
reqs_by_kind() { # NAME FROM_LINE -> "GET blob 64, HEAD manifest 20, ..." for the requests logged after line FROM_LINE
  tail -n +"$(( $2 + 1 ))" "$WORK/registry-$1/log" | grep -o -E '"(GET|HEAD|PUT|POST|PATCH|DELETE) /v2[^ ]*' | tr -d '"' \
    | awk '{m=$1; p=substr($2, 4); k="other";
        if (p=="" || p=="/") k="ping"; else if (p ~ /\/manifests\//) k="manifest"; else if (p ~ /\/blobs\/uploads/) k="upload";
        else if (p ~ /\/blobs\//) k="blob"; else if (p ~ /\/tags\/list/) k="tags"; else if (p ~ /\/referrers\//) k="referrers";
        c[m " " k]++} END {n=0; for (x in c) {printf "%s%s %d", (n++ ? ", " : ""), x, c[x]}}'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime+stime of a process, in 1/CLK_TCK s
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }

# --- build Layercake (package only; never install) and the benchmark driver -------------------------
log "building Layercake"
(cd "$ROOT" && ./mvnw -B -q -o -pl cli -am -DskipTests -Dlayercake.cds.skip=false package dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/cp.txt" >/dev/null)
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
cli_args() { # store target release -> CLI_ARGS
  CLI_ARGS=(backup --app bench --store "$1" --source "$WORK/checkout" --image-target "$2/keep" --insecure-registry "$SRC"
            --insecure-registry "$2" --release "$3" --json --quiet)
  for img in "${IMAGES[@]}"; do CLI_ARGS+=(--image "$SRC/$img"); done
}
start_registry cli
cli_args "$WORK/cli-store-warmup" "127.0.0.1:${REG_PORT[cli]}" warmup
JAVA_OPTS="$JAVA_OPTS" "$ROOT/bin/layercake" "${CLI_ARGS[@]}" > /dev/null
stop_registry cli; rm -rf "$WORK/cli-store-warmup"
[ -f "$ROOT/cli/target/layercake.jsa" ] || { echo "the build recorded no class-data sharing archive (cli/target/layercake.jsa)" >&2; exit 1; }

# --- runs -------------------------------------------------------------------------------------------
# measure NAME SRC_REG DST_REG cmd...: one timed run of cmd; appends to $WORK/NAME.txt the line
#   wall_s tool_cpu_s rss_kib source_requests source_blob_GETs dest_requests source_reg_ticks dest_reg_ticks user_s sys_s
# (DST_REG "-" when the destination is not a registry). The registries' access logs give the request counts;
# /proc/PID/stat gives their CPU; GNU time gives the tool's (all its processes: skopeo is one per image).
declare -A BY_SRC=() BY_DST=()
measure() {
  local name=$1 sreg=$2 dreg=$3; shift 3
  local sl dl=0 s0 d0=0 cs0 cd0=0 t0 t1
  sl=$(reqlines "$sreg"); s0=$(reqs "$sreg"); cs0=$(cpu_ticks "${REG_PID[$sreg]}")
  if [ "$dreg" != - ]; then dl=$(reqlines "$dreg"); d0=$(reqs "$dreg"); cd0=$(cpu_ticks "${REG_PID[$dreg]}"); fi
  t0=$(now)
  /usr/bin/time -f "%U %S %M" -o "$WORK/time-$name" "$@" > "$WORK/out-$name" 2> "$WORK/err-$name" \
    || { cat "$WORK/err-$name" "$WORK/out-$name" >&2; exit 1; }
  t1=$(now)
  local sreqs sblobs dreqs=0 cs cd=0
  sreqs=$(( $(reqs "$sreg") - s0 )); sblobs=$(tail -n +"$(( sl + 1 ))" "$WORK/registry-$sreg/log" | grep -c -E '"GET /v2/[^ ]*/blobs/sha256:' || true)
  cs=$(( $(cpu_ticks "${REG_PID[$sreg]}") - cs0 ))
  if [ "$dreg" != - ]; then dreqs=$(( $(reqs "$dreg") - d0 )); cd=$(( $(cpu_ticks "${REG_PID[$dreg]}") - cd0 )); fi
  echo "$(echo "$t1 - $t0" | bc -l) $(awk '{print $1 + $2, $3}' "$WORK/time-$name") $sreqs $sblobs $dreqs $cs $cd $(awk '{print $1, $2}' "$WORK/time-$name")" >> "$WORK/$name.txt"
  if [ -z "${BY_SRC[$name]:-}" ]; then
    BY_SRC[$name]=$(reqs_by_kind "$sreg" "$sl")
    [ "$dreg" != - ] && BY_DST[$name]=$(reqs_by_kind "$dreg" "$dl")
  fi
  return 0
}
skopeo_all() { # DEST_PREFIX (docker://HOST or oci:DIR)
  for img in "${IMAGES[@]}"; do
    case "$1" in
      oci:*) skopeo copy -q --all --preserve-digests --src-tls-verify=false "docker://$SRC/$img" "$1:$img" >/dev/null ;;
      *) skopeo copy -q --all --preserve-digests --src-tls-verify=false --dest-tls-verify=false "docker://$SRC/$img" "$1/$img" >/dev/null ;;
    esac
  done
}
skopeo_cmd() { echo "$(declare -p IMAGES SRC); $(declare -f skopeo_all); skopeo_all $1"; }

: > "$WORK/lc2bytes.txt"; : > "$WORK/e1.txt"; : > "$WORK/e2.txt"; : > "$WORK/warm.txt"
for n in skreg skoci lc1 lc2 lcreg cli1 cli2; do : > "$WORK/$n.txt"; done
LOAD_BEFORE=$(uptime)
for r in $(seq 1 "$RUNS"); do
  # The anchor: skopeo doing both of the full backup's copies, one after the other: into a registry, into an OCI layout.
  start_registry skopeo
  measure skreg source skopeo bash -c "$(skopeo_cmd "docker://127.0.0.1:${REG_PORT[skopeo]}")"
  stop_registry skopeo
  rm -rf "$WORK/skopeo-oci"; mkdir -p "$WORK/skopeo-oci"
  measure skoci source - bash -c "$(skopeo_cmd "oci:$WORK/skopeo-oci/layout")"
  rm -rf "$WORK/skopeo-oci"

  start_registry target
  DST="127.0.0.1:${REG_PORT[target]}"
  store="$WORK/store-$r"
  args=(--store "$store" --source "$WORK/checkout" --target "$DST/keep" --insecure "$SRC" --insecure "$DST")
  for img in "${IMAGES[@]}"; do args+=(--image "$SRC/$img"); done
  measure lc1 source target java $JAVA_OPTS -cp "$CP" ImageBackupBench "${args[@]}" --release "first"
  cp "$WORK/out-lc1" "$WORK/out1"
  measure lc2 source target java $JAVA_OPTS -cp "$CP" ImageBackupBench "${args[@]}" --release "second"
  cp "$WORK/out-lc2" "$WORK/out2"
  java $JAVA_OPTS -cp "$CP" ImageBackupBench "${args[@]}" --release "third" --then-again "fourth-warm" > "$WORK/out4"
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
  measure lcreg source target java $JAVA_OPTS -cp "$CP" ImageBackupBench "${rargs[@]}" --registry-only "$DST/keep"
  stop_registry target

  start_registry cli
  cli_args "$WORK/cli-store-$r" "127.0.0.1:${REG_PORT[cli]}" first
  measure cli1 source cli env JAVA_OPTS="$JAVA_OPTS" "$ROOT/bin/layercake" "${CLI_ARGS[@]}"
  cli_args "$WORK/cli-store-$r" "127.0.0.1:${REG_PORT[cli]}" second
  measure cli2 source cli env JAVA_OPTS="$JAVA_OPTS" "$ROOT/bin/layercake" "${CLI_ARGS[@]}"
  grep -q '"blobsWritten" : 0' "$WORK/out-cli2" || { echo "the CLI's second backup wrote blobs: $(cat "$WORK/out-cli2")" >&2; exit 1; }
  stop_registry cli; rm -rf "$WORK/cli-store-$r"
  log "run $r (wall s): skopeo to registry $(tail -1 "$WORK/skreg.txt" | cut -d' ' -f1), to oci $(tail -1 "$WORK/skoci.txt" | cut -d' ' -f1);" \
      "layercake $(tail -1 "$WORK/lc1.txt" | cut -d' ' -f1), second $(tail -1 "$WORK/lc2.txt" | cut -d' ' -f1)," \
      "registry-only $(tail -1 "$WORK/lcreg.txt" | cut -d' ' -f1), CLI $(tail -1 "$WORK/cli1.txt" | cut -d' ' -f1), CLI second $(tail -1 "$WORK/cli2.txt" | cut -d' ' -f1)"
  rm -rf "$store"
done
LOAD_AFTER=$(uptime)

# --- connections: connect() calls to each registry, one more untimed run of each tool under strace ---------
CONN=""
if [ "${CONNECTIONS:-1}" = 1 ] && command -v strace >/dev/null; then
  conns() { grep -c "port=htons($2)" "$1" || true; }   # connect() calls to port $2 in strace log $1
  start_registry target; DST="127.0.0.1:${REG_PORT[target]}"
  rargs=(--insecure "$SRC" --insecure "$DST"); for img in "${IMAGES[@]}"; do rargs+=(--image "$SRC/$img"); done
  strace -f -qq -e trace=connect -o "$WORK/st-lcreg" java $JAVA_OPTS -cp "$CP" ImageBackupBench "${rargs[@]}" --registry-only "$DST/keep" >/dev/null
  CONN+="  registry->registry, layercake: source $(conns "$WORK/st-lcreg" "${REG_PORT[source]}"), destination $(conns "$WORK/st-lcreg" "${REG_PORT[target]}")"$'\n'
  stop_registry target
  start_registry target; DST="127.0.0.1:${REG_PORT[target]}"
  args=(--store "$WORK/store-conn" --source "$WORK/checkout" --target "$DST/keep" --insecure "$SRC" --insecure "$DST")
  for img in "${IMAGES[@]}"; do args+=(--image "$SRC/$img"); done
  strace -f -qq -e trace=connect -o "$WORK/st-lc1" java $JAVA_OPTS -cp "$CP" ImageBackupBench "${args[@]}" --release conn >/dev/null
  CONN+="  full backup, layercake:        source $(conns "$WORK/st-lc1" "${REG_PORT[source]}"), destination $(conns "$WORK/st-lc1" "${REG_PORT[target]}")"$'\n'
  stop_registry target; rm -rf "$WORK/store-conn"
  start_registry skopeo
  strace -f -qq -e trace=connect -o "$WORK/st-sk" bash -c "$(skopeo_cmd "docker://127.0.0.1:${REG_PORT[skopeo]}")"
  CONN+="  skopeo to registry:            source $(conns "$WORK/st-sk" "${REG_PORT[source]}"), destination $(conns "$WORK/st-sk" "${REG_PORT[skopeo]}")"$'\n'
  stop_registry skopeo
fi

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
if [ "$MEMORY" = 1 ]; then
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
fi

# --- table ------------------------------------------------------------------------------------------
HZ=$(getconf CLK_TCK)
c() { awk -v c="$2" '{print $c}' "$WORK/$1.txt" | median; }          # median of column $2 of a measure
sum2() { paste -d' ' "$WORK/$1.txt" "$WORK/$2.txt" | awk -v a="$3" -v n="$(head -1 "$WORK/$1.txt" | wc -w)" '{print $a + $(a + n)}' | median; }
ratio() { echo "$1 / $2" | bc -l; }
ticks() { echo "$1 / $HZ" | bc -l; }
SKW=$(sum2 skreg skoci 1); SKC=$(sum2 skreg skoci 2); SKR=$(c skreg 1)
E1=$(median < "$WORK/e1.txt"); E2=$(median < "$WORK/e2.txt"); W2=$(median < "$WORK/warm.txt"); B2=$(median < "$WORK/lc2bytes.txt")
echo
echo "Image backup benchmark: 20 images, $UNIQUE unique blobs, $((BYTES / 1024 / 1024)) MiB; $(date -u +%F' '%H:%M) UTC, medians of $RUNS runs; JAVA_OPTS=$JAVA_OPTS"
echo "load before: ${LOAD_BEFORE#*load average: }; after: ${LOAD_AFTER#*load average: }; $(nproc) cores"
echo "anchor of the full backup: skopeo doing both jobs, into a registry and into an oci: layout (sum of the two, per run)"
printf '%-62s %12s %12s %8s %s\n' "measure" "layercake" "anchor" "ratio" "goal"
printf '%-62s %12.2f %12.2f %8.2f %s\n' "wall s: full backup (driver) vs skopeo to registry + to oci:" "$(c lc1 1)" "$SKW" "$(ratio "$(c lc1 1)" "$SKW")" "<= 0.50"
printf '%-62s %12.2f %12.2f %8.2f %s\n' "CPU s of the tool: full backup (driver) vs both skopeo runs" "$(c lc1 2)" "$SKC" "$(ratio "$(c lc1 2)" "$SKC")" ""
printf '%-62s %12.2f %12.2f %8.2f %s\n' "wall s: full backup, the CLI (bin/layercake) vs both skopeo" "$(c cli1 1)" "$SKW" "$(ratio "$(c cli1 1)" "$SKW")" "<= 0.50"
printf '%-62s %12.2f %12.2f %8.2f %s\n' "CPU s of the tool: the CLI vs both skopeo runs" "$(c cli1 2)" "$SKC" "$(ratio "$(c cli1 2)" "$SKC")" ""
printf '%-62s %12.2f %12.2f %8.2f %s\n' "wall s: registry->registry (module alone) vs skopeo to registry" "$(c lcreg 1)" "$SKR" "$(ratio "$(c lcreg 1)" "$SKR")" "<= 0.50"
printf '%-62s %12.2f %12.2f %8.2f %s\n' "CPU s of the tool: registry->registry vs skopeo to registry" "$(c lcreg 2)" "$(c skreg 2)" "$(ratio "$(c lcreg 2)" "$(c skreg 2)")" ""
printf '%-62s %12.2f %12.2f %8.2f %s\n' "CPU s of the source registry: full backup vs both skopeo" "$(ticks "$(c lc1 7)")" "$(ticks "$(sum2 skreg skoci 7)")" "$(ratio "$(c lc1 7)" "$(sum2 skreg skoci 7)")" ""
printf '%-62s %12.2f %12.2f %8.2f %s\n' "CPU s of the destination registry: full backup vs skopeo" "$(ticks "$(c lc1 8)")" "$(ticks "$(c skreg 8)")" "$(ratio "$(c lc1 8)" "$(c skreg 8)")" ""
printf '%-62s %12.2f %12.2f %8.2f %s\n' "CPU s of the source registry: registry->registry vs skopeo" "$(ticks "$(c lcreg 7)")" "$(ticks "$(c skreg 7)")" "$(ratio "$(c lcreg 7)" "$(c skreg 7)")" ""
printf '%-62s %12.2f %12.2f %8.2f %s\n' "CPU s of the destination registry: registry->registry vs skopeo" "$(ticks "$(c lcreg 8)")" "$(ticks "$(c skreg 8)")" "$(ratio "$(c lcreg 8)" "$(c skreg 8)")" ""
printf '%-62s %12d %12d %8.2f %s\n' "blob GETs at the source: full backup vs both skopeo runs" "$(c lc1 5)" "$(sum2 skreg skoci 5)" "$(ratio "$(c lc1 5)" "$(sum2 skreg skoci 5)")" ""
printf '%-62s %12d %12d %8.2f %s\n' "requests to the source: full backup vs both skopeo runs" "$(c lc1 4)" "$(sum2 skreg skoci 4)" "$(ratio "$(c lc1 4)" "$(sum2 skreg skoci 4)")" ""
printf '%-62s %12d %12d %8.2f %s\n' "requests to the destination registry: full backup vs skopeo" "$(c lc1 6)" "$(c skreg 6)" "$(ratio "$(c lc1 6)" "$(c skreg 6)")" ""
printf '%-62s %12d %12d %8.2f %s\n' "requests to the source: registry->registry vs skopeo" "$(c lcreg 4)" "$(c skreg 4)" "$(ratio "$(c lcreg 4)" "$(c skreg 4)")" ""
printf '%-62s %12d %12d %8.2f %s\n' "requests to the destination: registry->registry vs skopeo" "$(c lcreg 6)" "$(c skreg 6)" "$(ratio "$(c lcreg 6)" "$(c skreg 6)")" ""
printf '%-62s %12.2f %12.2f %8.3f %s\n' "wall s: second backup, unchanged vs first (driver)" "$(c lc2 1)" "$(c lc1 1)" "$(ratio "$(c lc2 1)" "$(c lc1 1)")" "<= 0.05"
printf '%-62s %12.2f %12.2f %8.3f %s\n' "wall s: the CLI's second backup vs its first" "$(c cli2 1)" "$(c cli1 1)" "$(ratio "$(c cli2 1)" "$(c cli1 1)")" "<= 0.05"
printf '%-62s %12.2f %12.2f %8.3f %s\n' "engine s (in-process, no JVM start): second vs first" "$(echo "$E2 / 1000" | bc -l)" "$(echo "$E1 / 1000" | bc -l)" "$(ratio "$E2" "$E1")" "<= 0.05"
printf '%-62s %12.2f %12.2f %8.3f %s\n' "engine s, warm JVM (a Jenkins agent's next build): same" "$(echo "$W2 / 1000" | bc -l)" "$(echo "$E1 / 1000" | bc -l)" "$(ratio "$W2" "$E1")" "<= 0.05"
printf '%-62s %12d %12s %8s %s\n' "bytes uploaded to the registry by the second backup" "$B2" "-" "-" "0"
printf '%-62s %12d %12d %8s %s\n' "peak RSS KiB: full backup (driver) vs skopeo (largest process)" "$(c lc1 3)" "$(c skreg 3)" "-" ""
if [ "$MEMORY" = 1 ]; then
  MS=$(median < "$WORK/rss-small.txt"); MB=$(median < "$WORK/rss-big.txt")
  printf '%-62s %12d %12d %8.2f %s\n' "peak RSS KiB: ${BIG_MIB} MiB image vs ${SMALL_MIB} MiB image" "$MB" "$MS" "$(ratio "$MB" "$MS")" "<= 1.20"
fi
echo "requests by kind, run 1 (method kind count):"
for n in lc1 cli1 lcreg skreg skoci; do
  echo "  $n source: ${BY_SRC[$n]}"
  [ -n "${BY_DST[$n]:-}" ] && echo "  $n destination: ${BY_DST[$n]}"
done
[ -n "$CONN" ] && { echo "TCP connections opened (connect() calls under strace, one untimed run each):"; printf '%s' "$CONN"; }
echo "per run (wall s, tool CPU s, peak RSS KiB, source requests, source blob GETs, destination requests, source reg ticks, dest reg ticks, tool user s, tool sys s; 1 tick = 1/$HZ s):"
for n in skreg skoci lc1 cli1 lcreg lc2 cli2; do sed "s/^/  $n /" "$WORK/$n.txt"; done
