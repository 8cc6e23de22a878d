#!/usr/bin/env bash
# Unchanged re-backup (issue 18, priority 1): the CLI's backup of a release whose 20 images are all already in
# the store and in the backup registry, against the anchor `skopeo copy --all --preserve-digests` of the same 20
# unchanged images into a registry that already has them. Everything on 127.0.0.1, started and stopped here.
#
#   benchmarks/rebackup/run.sh            env RUNS (default 5), JAVA_OPTS (default -Xmx256m -XX:+UseSerialGC)
#
# The registries log every request (docker-registry access log); per run we count the requests each tool
# made to the source and to the destination registry, by method, and the CPU time (utime+stime from
# /proc/PID/stat) the registries spent, beside our process's own user+sys (GNU time). Runs are interleaved:
# skopeo, then layercake, RUNS times. Prints medians, ratios and the load (uptime) before and after.
# With a JDK >= 25 (JDK25_HOME, or /usr/lib/jvm/temurin-25*) a fourth case runs the CLI on it with an AOT cache
# trained on one unchanged re-backup.
# Needs: docker-registry, podman, skopeo, curl, bc, GNU time, git, java 17; the CLI built
# (./mvnw -pl cli -am package -DskipTests, which also records the class-data sharing archive).
set -euo pipefail
RUNS=${RUNS:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/layercake-bench-rebackup.XXXXXX)
JAVA_OPTS=${JAVA_OPTS:-"-Xmx256m -XX:+UseSerialGC"}
# A third case in the same rounds: the CLI with other JVM options (default: C1 only, no C2 compiler threads).
ALT_JAVA_OPTS=${ALT_JAVA_OPTS:-"$JAVA_OPTS -XX:TieredStopAtLevel=1"}
declare -A REG_PID=() REG_PORT=()
cleanup() {
  for name in "${!REG_PID[@]}"; do kill "${REG_PID[$name]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { echo "[rebackup] $*" >&2; }
[ -f "$ROOT/cli/target/layercake.jar" ] || { echo "build the CLI first: ./mvnw -pl cli -am package -DskipTests" >&2; exit 2; }
[ -f "$ROOT/cli/target/layercake.jsa" ] || log "warning: no class-data sharing archive (cli/target/layercake.jsa): the CLI runs without it"

PODMAN=(podman --root "$WORK/podman/root" --runroot "$WORK/podman/run" --storage-driver vfs
        --cgroup-manager cgroupfs --events-backend file --tmpdir "$WORK/podman/tmp")
mkdir -p "$WORK/podman/tmp"

free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 12000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

start_registry() { # NAME: with the access log on (one line per request, on the registry's stderr)
  local name=$1 port dir
  port=$(free_port); dir="$WORK/registry-$name"
  mkdir -p "$dir"
  cat > "$dir/config.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $dir/data
http:
  addr: 127.0.0.1:$port
YML
  docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
  REG_PID[$name]=$!; REG_PORT[$name]=$port
  for _ in $(seq 1 200); do
    curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && return
    sleep 0.05
  done
  echo "registry $name did not start: $(cat "$dir/log")" >&2; exit 1
}
reqs() { grep -c -E '"(GET|HEAD|PUT|POST|PATCH|DELETE) /v2' "$WORK/registry-$1/log" || true; }
reqs_by_method() { # NAME FROM_LINE -> "GET manifest 20, HEAD blob 64, ..." for the requests logged after line FROM_LINE
  tail -n +"$(( $2 + 1 ))" "$WORK/registry-$1/log" | grep -o -E '"(GET|HEAD|PUT|POST|PATCH|DELETE) /v2[^ ]*' | tr -d '"' \
    | awk '{m=$1; p=substr($2, 4); k="other";
        if (p=="" || p=="/") k="ping"; else if (p ~ /\/manifests\//) k="manifest"; else if (p ~ /\/blobs\/uploads/) k="upload";
        else if (p ~ /\/blobs\//) k="blob"; else if (p ~ /\/tags\/list/) k="tags"; else if (p ~ /\/referrers\//) k="referrers";
        c[m " " k]++} END {n=0; for (x in c) {printf "%s%s %d", (n++ ? ", " : ""), x, c[x]}}'
}
reqlines() { grep -c '' "$WORK/registry-$1/log" || true; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }
HZ=$(getconf CLK_TCK)

mkdir -p "$WORK/checkout"
(cd "$WORK/checkout" && git init -q -b main && printf 'FROM scratch\n' > Dockerfile && git add . \
  && git -c user.name=bench -c user.email=bench@example.com commit -q -m bench)

# --- the 20 images of benchmarks/images (two bases of 60+20 and 40+10 MiB, one 2 MiB layer per app) ----------
start_registry source; SRC="127.0.0.1:${REG_PORT[source]}"
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
rm -rf "$WORK/podman" "$ctx"
start_registry skopeo; SK="127.0.0.1:${REG_PORT[skopeo]}"
start_registry keep; KEEP="127.0.0.1:${REG_PORT[keep]}"
STORE="$WORK/store"

skopeo_all() {
  for img in "${IMAGES[@]}"; do
    skopeo copy -q --all --preserve-digests --src-tls-verify=false --dest-tls-verify=false \
      "docker://$SRC/$img" "docker://$SK/$img" >/dev/null
  done
}
JDK25=${JDK25_HOME:-$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1 || true)}
[ -n "$JDK25" ] && [ -x "$JDK25/bin/java" ] || JDK25=
cli_backup() { # RELEASE
  local cargs=(backup --app bench --store "$STORE" --source "$WORK/checkout" --image-target "$KEEP/keep" --insecure-registry "$SRC"
               --insecure-registry "$KEEP" --release "$1" --json --quiet)
  for img in "${IMAGES[@]}"; do cargs+=(--image "$SRC/$img"); done
  JAVA_OPTS="$JAVA_OPTS" /usr/bin/time -f "%e %U %S %M" -o "$WORK/timec" "$ROOT/bin/layercake" "${cargs[@]}" > "$WORK/outc" 2>"$WORK/errc" \
    || { cat "$WORK/errc" "$WORK/outc" >&2; exit 1; }
}
log "first copies (untimed): skopeo into its registry, layercake into the store and the backup registry"
skopeo_all
cli_backup r0
grep -q '"blobsWritten" : 0' "$WORK/outc" && { echo "the first backup wrote no blobs" >&2; exit 1; }
if [ -n "$JDK25" ]; then
  # A fourth case: JDK 25 with an AOT cache (JEP 483/514/515: classes loaded and linked, method profiles) trained
  # on one unchanged re-backup, as bin/layercake would use it with a cache made for its JDK.
  log "training a JDK 25 AOT cache on one unchanged re-backup ($JDK25)"
  JAVA_HOME=$JDK25 LAYERCAKE_CDS=off JAVA_OPTS="$JAVA_OPTS -XX:AOTCacheOutput=$WORK/rebackup.aot -Xlog:disable -Xlog:all=error:stderr" cli_backup t0
  [ -f "$WORK/rebackup.aot" ] || { echo "no AOT cache was written" >&2; exit 1; }
fi

: > "$WORK/sk.txt"; : > "$WORK/lc.txt"; : > "$WORK/alt.txt"; : > "$WORK/aot.txt"
LOAD_BEFORE=$(uptime)
for r in $(seq 1 "$RUNS"); do
  # skopeo: the unchanged images again, into the registry that has them
  so=$(reqlines source); do=$(reqlines skopeo); s0=$(reqs source); d0=$(reqs skopeo); cs0=$(cpu_ticks "${REG_PID[source]}"); cd0=$(cpu_ticks "${REG_PID[skopeo]}")
  /usr/bin/time -f "%e %U %S" -o "$WORK/times" bash -c "$(declare -p IMAGES SRC SK); $(declare -f skopeo_all); skopeo_all"
  s1=$(reqs source); d1=$(reqs skopeo); cs1=$(cpu_ticks "${REG_PID[source]}"); cd1=$(cpu_ticks "${REG_PID[skopeo]}")
  echo "$(awk '{print $1}' "$WORK/times") $(( s1 - s0 )) $(( d1 - d0 )) $(awk '{print $2 + $3}' "$WORK/times") $(( cs1 - cs0 )) $(( cd1 - cd0 ))" >> "$WORK/sk.txt"
  [ "$r" = 1 ] && { SK_SRC_BY=$(reqs_by_method source "$so"); SK_DST_BY=$(reqs_by_method skopeo "$do"); }

  so=$(reqlines source); do=$(reqlines keep); s0=$(reqs source); d0=$(reqs keep); cs0=$(cpu_ticks "${REG_PID[source]}"); cd0=$(cpu_ticks "${REG_PID[keep]}")
  cli_backup "r$r"
  s1=$(reqs source); d1=$(reqs keep); cs1=$(cpu_ticks "${REG_PID[source]}"); cd1=$(cpu_ticks "${REG_PID[keep]}")
  grep -q '"blobsWritten" : 0' "$WORK/outc" || { echo "the unchanged re-backup wrote blobs: $(cat "$WORK/outc")" >&2; exit 1; }
  read -r e u s m < "$WORK/timec"
  echo "$e $(( s1 - s0 )) $(( d1 - d0 )) $(echo "$u + $s" | bc -l) $(( cs1 - cs0 )) $(( cd1 - cd0 )) $m" >> "$WORK/lc.txt"
  [ "$r" = 1 ] && { LC_SRC_BY=$(reqs_by_method source "$so"); LC_DST_BY=$(reqs_by_method keep "$do"); }
  JAVA_OPTS="$ALT_JAVA_OPTS" cli_backup "a$r"
  read -r e2 u s m < "$WORK/timec"
  echo "$e2 $(echo "$u + $s" | bc -l) $m" >> "$WORK/alt.txt"
  e3=-
  if [ -n "$JDK25" ]; then
    JAVA_HOME=$JDK25 LAYERCAKE_CDS=off JAVA_OPTS="$JAVA_OPTS -XX:AOTCache=$WORK/rebackup.aot -Xlog:disable -Xlog:all=error:stderr" cli_backup "j$r"
    read -r e3 u s m < "$WORK/timec"
    echo "$e3 $(echo "$u + $s" | bc -l) $m" >> "$WORK/aot.txt"
  fi
  log "run $r: skopeo $(tail -1 "$WORK/sk.txt" | cut -d' ' -f1) s, layercake $e s, layercake with ALT_JAVA_OPTS $e2 s, JDK 25 + AOT cache $e3 s"
done
LOAD_AFTER=$(uptime)

if [ "${PROFILE:-0}" = 1 ]; then
  # One more re-backup with a JFR recording (10 ms CPU samples) and the class-load count, for where the CPU goes.
  JAVA_OPTS="$JAVA_OPTS -XX:StartFlightRecording=filename=$WORK/rb.jfr,settings=profile -Xlog:class+load=info:file=$WORK/classes.txt" cli_backup rprof
  jdk25=$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1 || true)
  JFR=${jdk25:+$jdk25/bin/}jfr
  echo "profile of one more re-backup: $(grep -c 'source:' "$WORK/classes.txt") classes loaded ($(grep -c 'shared objects file' "$WORK/classes.txt") from the CDS archive)"
  "$JFR" view --width 160 hot-methods "$WORK/rb.jfr" 2>/dev/null | head -30 || true
  # samples by the first dev.layercake frame from the top (where our own code spends, callee included)
  "$JFR" print --events jdk.ExecutionSample "$WORK/rb.jfr" | awk '/stackTrace = \[/{inside=1; got=0; next}
      inside && /dev\.layercake\./ && !got {sub(/^ */, ""); sub(/line:.*/, ""); c[$0]++; got=1}
      inside && /^ *\]/{inside=0; if (!got) c["(no layercake frame: JVM/JDK/library only)"]++}
      END {for (k in c) print c[k], k}' | sort -rn | head -25
fi

col() { awk -v c="$2" '{print $c}' "$WORK/$1.txt" | median; }
SKW=$(col sk 1); LCW=$(col lc 1)
echo
echo "Unchanged re-backup of the 20-image release: $(date -u +%F' '%H:%M) UTC, medians of $RUNS interleaved runs; JAVA_OPTS=$JAVA_OPTS"
echo "load before: ${LOAD_BEFORE#*load average: }; after: ${LOAD_AFTER#*load average: }"
printf '%-62s %12s %12s %8s %s\n' "measure" "layercake" "skopeo" "ratio" "goal"
printf '%-62s %12.2f %12.2f %8.2f %s\n' "wall s (CLI as users run it vs skopeo copy of 20 images)" "$LCW" "$SKW" "$(echo "$LCW / $SKW" | bc -l)" "<= 0.25"
printf '%-62s %12.2f %12.2f %8.2f\n' "CPU s of the tool (user+sys)" "$(col lc 4)" "$(col sk 4)" "$(echo "$(col lc 4) / $(col sk 4)" | bc -l)"
printf '%-62s %12d %12d %8.2f\n' "requests to the source registry" "$(col lc 2)" "$(col sk 2)" "$(echo "$(col lc 2) / $(col sk 2)" | bc -l)"
printf '%-62s %12d %12d %8.2f\n' "requests to the destination registry" "$(col lc 3)" "$(col sk 3)" "$(echo "$(col lc 3) / $(col sk 3)" | bc -l)"
printf '%-62s %12.2f %12.2f\n' "CPU s of the source registry" "$(echo "$(col lc 5) / $HZ" | bc -l)" "$(echo "$(col sk 5) / $HZ" | bc -l)"
printf '%-62s %12.2f %12.2f\n' "CPU s of the destination registry" "$(echo "$(col lc 6) / $HZ" | bc -l)" "$(echo "$(col sk 6) / $HZ" | bc -l)"
printf '%-62s %12.2f %12.2f %8.2f\n' "wall s, the CLI with ALT_JAVA_OPTS" "$(col alt 1)" "$SKW" "$(echo "$(col alt 1) / $SKW" | bc -l)"
printf '%-62s %12.2f %12.2f %8.2f\n' "CPU s, the CLI with ALT_JAVA_OPTS" "$(col alt 2)" "$(col sk 4)" "$(echo "$(col alt 2) / $(col sk 4)" | bc -l)"
if [ -s "$WORK/aot.txt" ]; then
  printf '%-62s %12.2f %12.2f %8.2f\n' "wall s, JDK 25 + AOT cache trained on a re-backup" "$(col aot 1)" "$SKW" "$(echo "$(col aot 1) / $SKW" | bc -l)"
  printf '%-62s %12.2f %12.2f %8.2f\n' "CPU s, JDK 25 + AOT cache trained on a re-backup" "$(col aot 2)" "$(col sk 4)" "$(echo "$(col aot 2) / $(col sk 4)" | bc -l)"
fi
printf '%-62s %12d %12s\n' "peak RSS KiB of the CLI" "$(col lc 7)" "-"
echo "ALT_JAVA_OPTS=$ALT_JAVA_OPTS"
echo "requests by kind, run 1 (method kind:count):"
echo "  layercake source:      $LC_SRC_BY"
echo "  layercake destination: $LC_DST_BY"
echo "  skopeo source:         $SK_SRC_BY"
echo "  skopeo destination:    $SK_DST_BY"
echo "per run (wall s, source req, dest req, tool CPU s, source reg ticks, dest reg ticks[, RSS KiB]):"
sed 's/^/  skopeo    /' "$WORK/sk.txt"; sed 's/^/  layercake /' "$WORK/lc.txt"
