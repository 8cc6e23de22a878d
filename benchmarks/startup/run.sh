#!/usr/bin/env bash
# Start-up of the CLI against the anchor (a hello-world java process), on this machine, in one run.
#   benchmarks/startup/run.sh [RUNS]        (needs cli/target/layercake.jar, and layercake.jsa for CDS)
# Every round runs each case once, in turn, so machine load hits all cases alike. Prints medians of wall time and
# of user+sys CPU time (load barely moves CPU time), the classes each case loads (-Xlog:class+load, independent of
# load), and ratios to the anchor. With a JDK >= 25 (JDK25_HOME, or /usr/lib/jvm/temurin-25*) it also trains an AOT
# cache (JEP 483/514: -XX:AOTCacheOutput over the CdsTraining run) and measures list with it.
set -euo pipefail
runs=${1:-15}
root=$(cd "$(dirname "$0")/../.." && pwd -P)
jar=$root/cli/target/layercake.jar
launcher=$root/bin/layercake
[ -f "$jar" ] || { echo "build first: ./mvnw -B -pl cli -am package -DskipTests" >&2; exit 2; }
java17=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}/bin/java
jdk25=${JDK25_HOME:-$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1 || true)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# the anchor
cat > "$work/Hello.java" <<'EOF'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
EOF
"${java17%java}javac" -d "$work" "$work/Hello.java"

# a small folder store: two releases of a two-file repository
repo=$work/repo store=$work/store
mkdir -p "$repo/deploy"
printf 'FROM busybox:1.36\n' > "$repo/Dockerfile"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n' > "$repo/deploy/app.yaml"
git -C "$repo" init -q -b main && git -C "$repo" add . \
  && git -C "$repo" -c user.name=b -c user.email=b@b commit -q -m r
for r in r1 r2; do
  "$launcher" backup --app shop --release $r --store "$store" --source "$repo" --image-mode none --quiet >/dev/null
done

names=() cmds=()
add() { names+=("$1"); cmds+=("$2"); }
add "anchor: java Hello (JDK 17)"          "$java17 -cp $work Hello"
add "layercake --version"                  "$launcher --version"
add "layercake list (2 releases)"          "$launcher list --store $store"
add "layercake list, no CDS archive"       "env LAYERCAKE_CDS=off $launcher list --store $store"
if [ -n "$jdk25" ] && [ -x "$jdk25/bin/java" ]; then
  aot=$work/layercake.aot
  "$jdk25/bin/java" -XX:AOTCacheOutput="$aot" -Xlog:disable -Xlog:all=error:stderr -cp "$jar" dev.layercake.cli.CdsTraining || true
  add "anchor: java Hello (JDK 25)"        "$jdk25/bin/java -cp $work Hello"
  add "JDK 25 list, no AOT cache"          "$jdk25/bin/java -jar $jar list --store $store"
  if [ -f "$aot" ]; then
    add "JDK 25 --version, AOT cache"      "$jdk25/bin/java -XX:AOTCache=$aot -Xlog:disable -jar $jar --version"
    add "JDK 25 list, AOT cache"           "$jdk25/bin/java -XX:AOTCache=$aot -Xlog:disable -jar $jar list --store $store"
  fi
fi

# classes loaded: one run each (a count, not a time)
classes=()
for i in "${!cmds[@]}"; do
  classes[$i]=$(env JAVA_OPTS=-verbose:class ${cmds[$i]} 2>/dev/null | grep -c 'class,load' || true)
done
# the JDK 25 / anchor runs do not read JAVA_OPTS: count them directly
for i in "${!cmds[@]}"; do
  case "${cmds[$i]}" in
    *bin/layercake*) ;;
    *) classes[$i]=$(${cmds[$i]/\/java /\/java -verbose:class } 2>/dev/null | grep -c 'class,load' || true) ;;
  esac
done

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((round = 0; round < runs; round++)); do
  for i in "${!cmds[@]}"; do
    /usr/bin/time -f "%e %U %S" -o "$work/t" ${cmds[$i]} >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    read -r wall user sys < "$work/t"
    echo "$wall" >> "$work/wall.$i"
    echo "$user $sys" | awk '{printf "%.2f\n", $1 + $2}' >> "$work/cpu.$i"
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

median() { sort -n "$1" | awk '{a[NR] = $1} END {m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f", m}'; }
aw=$(median "$work/wall.0") ac=$(median "$work/cpu.0")
echo "start-up, $runs rounds, $(nproc) cores; load average before $load_before, after $load_after; $(date -u +%F)"
printf '%-34s %9s %7s %11s %7s %8s\n' case "wall med" "x anch" "cpu u+s med" "x anch" classes
for i in "${!cmds[@]}"; do
  w=$(median "$work/wall.$i") c=$(median "$work/cpu.$i")
  printf '%-34s %8ss %6.2fx %10ss %6.2fx %8s\n' "${names[$i]}" "$w" "$(echo "$w $aw" | awk '{print $1 / $2}')" \
    "$c" "$(echo "$c $ac" | awk '{print ($2 > 0) ? $1 / $2 : 0}')" "${classes[$i]}"
done
