#!/usr/bin/env bash
# S3 upload of a large release (issue 18): `layercake copy` of a 170 MiB release from a folder store into S3, against
# `rclone copy` of the same store folder (the same blobs and manifest) to the same s3proxy, interleaved, fresh
# bucket each run. s3proxy 4.1.0 (as the tests start it: filesystem blob store, AWS v4 auth) runs as its own process.
#
#   benchmarks/s3/run.sh        env RUNS (default 5), JAVA_OPTS (default -Xmx256m -XX:+UseSerialGC)
#   BASE_JAR=/path/layercake.jar also runs that build (another commit's CLI, its layercake.jsa beside it) as a third
#   column, interleaved with the others: before/after in the same run. PROFILE=1 adds a JFR and, when `perf` works,
#   a perf profile of one more copy (CPU by thread group: main, copy workers, JIT compilers, GC).
#
# The release: a git repository of 24 files of random bytes (60, 40, 20 and 10 MiB, and 20 of 2 MiB: the sizes of
# benchmarks/images' layers, 170 MiB), backed up with --include "*.bin" --image-mode none. Prints medians of wall and CPU time of each
# tool and of the s3proxy process (utime+stime from /proc/PID/stat), ratios, and the load.
# Needs: java 17, mvn, git, rclone (run with env -u AWS_CA_BUNDLE: see /work/shared/FINDINGS.md), GNU time, bc.
set -euo pipefail
RUNS=${RUNS:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/layercake-bench-s3.XXXXXX)
JAVA_OPTS=${JAVA_OPTS:-"-Xmx256m -XX:+UseSerialGC"}
S3_PID=
cleanup() { [ -n "$S3_PID" ] && kill "$S3_PID" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
log() { echo "[s3] $*" >&2; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
HZ=$(getconf CLK_TCK)
[ -f "$ROOT/cli/target/layercake.jar" ] || { echo "build the CLI first: ./mvnw -pl cli -am package -DskipTests" >&2; exit 2; }

# --- s3proxy as its own process, on the tests' classpath ------------------------------------------------------
(cd "$ROOT" && ./mvnw -q -o -pl core -am test-compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" -Dlayercake.cds.skip=true >/dev/null)
CP="$(cat "$WORK/cp.txt")"
mkdir -p "$WORK/classes" "$WORK/s3data"
javac -d "$WORK/classes" -cp "$CP" "$ROOT/benchmarks/s3/S3ProxyServer.java"
cat > "$WORK/logback.xml" <<'XML'
<configuration><root level="WARN"/></configuration>
XML
BUCKETS=(); for r in $(seq 1 "$RUNS"); do BUCKETS+=("lc$r" "rc$r" "bs$r"); done
java -Xmx512m -XX:+UseSerialGC -Dlogback.configurationFile="$WORK/logback.xml" -cp "$WORK/classes:$CP" S3ProxyServer \
  "$WORK/s3data" "$WORK/endpoint" "${BUCKETS[@]}" > "$WORK/s3proxy.log" 2>&1 &
S3_PID=$!
for _ in $(seq 1 600); do [ -f "$WORK/endpoint" ] && break; kill -0 "$S3_PID" || break; sleep 0.1; done
[ -f "$WORK/endpoint" ] || { cat "$WORK/s3proxy.log" >&2; echo "s3proxy did not start" >&2; exit 1; }
EP=$(cat "$WORK/endpoint")
export AWS_ACCESS_KEY_ID=bench-access AWS_SECRET_ACCESS_KEY=bench-secret-0123456789 AWS_REGION=us-east-1
log "s3proxy at $EP"

# --- the release --------------------------------------------------------------------------------------------
repo="$WORK/repo"; mkdir -p "$repo"
for spec in a1:60 b1:40 a2:20 b2:10 $(for i in $(seq 1 20); do printf 'app%s:2 ' "$i"; done); do
  head -c "$(( ${spec#*:} * 1024 * 1024 ))" /dev/urandom > "$repo/${spec%%:*}.bin"
done
git -C "$repo" init -q -b main && git -C "$repo" add . && git -C "$repo" -c user.name=b -c user.email=b@b commit -q -m big
STORE="$WORK/store"
"$ROOT/bin/layercake" backup --app big --release r1 --store "$STORE" --source "$repo" --include "*.bin" --image-mode none --quiet --json > /dev/null
rm -rf "$repo"
FILES=$(find "$STORE" -type f | wc -l); BYTES=$(du --apparent-size -sb "$STORE" | cut -f1)
log "release: $FILES files, $BYTES bytes in the folder store"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
: > "$WORK/lc.txt"; : > "$WORK/rc.txt"; : > "$WORK/bs.txt"
LOAD_BEFORE=$(uptime)
for r in $(seq 1 "$RUNS"); do
  if [ -n "${BASE_JAR:-}" ]; then
    c0=$(cpu_ticks "$S3_PID")
    LAYERCAKE_JAR="$BASE_JAR" JAVA_OPTS="$JAVA_OPTS" /usr/bin/time -f "%e %U %S %M" -o "$WORK/t" "$ROOT/bin/layercake" copy --app big \
      --from "$STORE" --to "s3://bs$r/releases" --s3-endpoint "$EP" --s3-path-style --s3-region us-east-1 --quiet --json \
      > "$WORK/out" 2> "$WORK/err" || { cat "$WORK/err" "$WORK/out" >&2; exit 1; }
    c1=$(cpu_ticks "$S3_PID"); read -r e u s m < "$WORK/t"
    echo "$e $(echo "$u + $s" | bc -l) $(( c1 - c0 )) $m" >> "$WORK/bs.txt"
  fi
  c0=$(cpu_ticks "$S3_PID")
  JAVA_OPTS="$JAVA_OPTS" /usr/bin/time -f "%e %U %S %M" -o "$WORK/t" "$ROOT/bin/layercake" copy --app big --from "$STORE" \
    --to "s3://lc$r/releases" --s3-endpoint "$EP" --s3-path-style --s3-region us-east-1 --quiet --json > "$WORK/out" 2> "$WORK/err" \
    || { cat "$WORK/err" "$WORK/out" >&2; exit 1; }
  c1=$(cpu_ticks "$S3_PID"); read -r e u s m < "$WORK/t"
  echo "$e $(echo "$u + $s" | bc -l) $(( c1 - c0 )) $m" >> "$WORK/lc.txt"

  c0=$(cpu_ticks "$S3_PID")
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/t" env -u AWS_CA_BUNDLE rclone copy "$STORE" \
    ":s3,provider=Other,access_key_id=$AWS_ACCESS_KEY_ID,secret_access_key=$AWS_SECRET_ACCESS_KEY,region=us-east-1,endpoint='$EP',force_path_style=true:rc$r/releases" \
    2> "$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
  c1=$(cpu_ticks "$S3_PID"); read -r e u s m < "$WORK/t"
  echo "$e $(echo "$u + $s" | bc -l) $(( c1 - c0 )) $m" >> "$WORK/rc.txt"
  log "run $r: layercake $(tail -1 "$WORK/lc.txt" | cut -d' ' -f1) s, rclone $e s"
done
LOAD_AFTER=$(uptime)
if [ "${PROFILE:-0}" = 1 ]; then
  # One more copy with a JFR recording (10 ms samples): the top frames of our JVM's samples, for where the CPU goes.
  JAVA_OPTS="$JAVA_OPTS -XX:StartFlightRecording=filename=$WORK/copy.jfr,settings=profile" "$ROOT/bin/layercake" copy --app big \
    --from "$STORE" --to "s3://lc1/profiled" --s3-endpoint "$EP" --s3-path-style --s3-region us-east-1 --quiet --json > /dev/null 2>&1
  jdk25=$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1 || true)
  echo "profile of one more copy (JFR execution samples, top frame):"
  "${jdk25:+$jdk25/bin/}jfr" print --events jdk.ExecutionSample "$WORK/copy.jfr" | awk '/stackTrace = \[/{getline; sub(/^ */, ""); sub(/line:.*/, ""); c[$0]++; n++}
      END {for (k in c) printf "%5d %5.1f%% %s\n", c[k], 100 * c[k] / n, k}' | sort -rn | head -15 || true
  echo "by package of the top frame:"
  "${jdk25:+$jdk25/bin/}jfr" print --events jdk.ExecutionSample "$WORK/copy.jfr" | awk '/stackTrace = \[/{getline; sub(/^ */, ""); split($0, a, "("); m=a[1]; n2=split(m, p, "."); k=p[1]; for (i = 2; i < n2 - 1 && i < 4; i++) k = k "." p[i]; c[k]++; n++}
      END {for (k in c) printf "%5d %5.1f%% %s\n", c[k], 100 * c[k] / n, k}' | sort -rn | head -10 || true
  if perf stat -e task-clock true > /dev/null 2>&1; then
    # perf sees what JFR does not: JIT compiler threads, GC (SerialGC: the VM Thread), class loading, the kernel.
    JAVA_OPTS="$JAVA_OPTS -XX:+PreserveFramePointer -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit" perf record -q -F 499 -g \
      -o "$WORK/perf.data" "$ROOT/bin/layercake" copy --app big --from "$STORE" --to "s3://lc1/perf" --s3-endpoint "$EP" \
      --s3-path-style --s3-region us-east-1 --quiet --json > /dev/null 2>&1 || true
    perf script -i "$WORK/perf.data" -F comm,ip,sym 2>/dev/null > "$WORK/perf.txt" || true
    echo "perf profile of one more copy (499 Hz, every thread): samples by thread group, then top frames"
    awk '/^[^ \t]/ {g = $0; sub(/ *$/, "", g); gsub(/[0-9]+$/, "", g); top = 1; n++; t[g]++; next}
         /^\t/ && top {l = $0; sub(/^\t *[0-9a-f]+ /, "", l); f[g " :: " l]++; top = 0}
         END {for (k in t) printf "%5d %5.1f%% %s (total)\n", t[k], 100 * t[k] / n, k;
              for (k in f) if (f[k] * 100 >= n) printf "%5d %5.1f%% %s\n", f[k], 100 * f[k] / n, k}' "$WORK/perf.txt" | sort -rn | head -40 || true
  fi
fi
# both buckets of the last run hold the whole release
lcn=$(find "$WORK/s3data/lc$RUNS" -type f | wc -l); rcn=$(find "$WORK/s3data/rc$RUNS" -type f | wc -l)
lcb=$(find "$WORK/s3data/lc$RUNS" -type f -printf '%s\n' | awk '{s+=$1} END {print s}'); rcb=$(find "$WORK/s3data/rc$RUNS" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')

col() { awk -v c="$2" '{print $c}' "$WORK/$1.txt" | median; }
echo
echo "S3 upload of a ${BYTES}-byte release ($FILES files in the folder store) into s3proxy 4.1.0: $(date -u +%F' '%H:%M) UTC, medians of $RUNS interleaved runs"
echo "load before: ${LOAD_BEFORE#*load average: }; after: ${LOAD_AFTER#*load average: }; JAVA_OPTS=$JAVA_OPTS; $(env -u AWS_CA_BUNDLE rclone version | head -1)"
if [ -n "${BASE_JAR:-}" ]; then
  echo "BASE_JAR=$BASE_JAR (before), interleaved: wall s, CPU s of the tool, CPU s of s3proxy, peak RSS KiB:"
  printf '  before %.2f %.2f %.2f %d; ratio to rclone: CPU %.2f\n' "$(col bs 1)" "$(col bs 2)" "$(echo "$(col bs 3) / $HZ" | bc -l)" \
    "$(col bs 4)" "$(echo "$(col bs 2) / $(col rc 2)" | bc -l)"
  sed 's/^/  before    /' "$WORK/bs.txt"
fi
printf '%-46s %12s %12s %8s\n' "measure" "layercake" "rclone" "ratio"
printf '%-46s %12.2f %12.2f %8.2f\n' "wall s (layercake copy vs rclone copy)" "$(col lc 1)" "$(col rc 1)" "$(echo "$(col lc 1) / $(col rc 1)" | bc -l)"
printf '%-46s %12.2f %12.2f %8.2f\n' "CPU s of the tool (user+sys)" "$(col lc 2)" "$(col rc 2)" "$(echo "$(col lc 2) / $(col rc 2)" | bc -l)"
printf '%-46s %12.2f %12.2f %8.2f\n' "CPU s of s3proxy" "$(echo "$(col lc 3) / $HZ" | bc -l)" "$(echo "$(col rc 3) / $HZ" | bc -l)" "$(echo "$(col lc 3) / $(col rc 3)" | bc -l)"
printf '%-46s %12d %12d\n' "peak RSS KiB of the tool" "$(col lc 4)" "$(col rc 4)"
printf '%-46s %12s %12s\n' "objects, bytes in the bucket (last run)" "$lcn, $lcb" "$rcn, $rcb"
echo "per run (wall s, tool CPU s, s3proxy ticks of 1/$HZ s, RSS KiB):"
sed 's/^/  layercake /' "$WORK/lc.txt"; sed 's/^/  rclone    /' "$WORK/rc.txt"
