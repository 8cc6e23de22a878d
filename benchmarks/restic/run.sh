#!/usr/bin/env bash
# P3 (issue 18): store bytes of 10 successive releases of a changing app, Layercake vs restic given the same inputs.
#
#   benchmarks/restic/run.sh         env RELEASES (default 10), LAYER_MIB (the changing layer, default 2),
#                                    BASE_MIB (the unchanged base layer, default 20)
#
# The app is the demo's sample (demo/: its images on the demo registry, its objects on the demo Kubernetes API
# server, its sources in git) plus one image of our own on a docker-registry: a BASE_MIB base layer that never
# changes and a LAYER_MIB layer that is new in every release. Per release, before the backups:
#   - one source file changes (a commit), one ConfigMap changes (kubectl replace), one new ConfigMap appears;
#   - our image gets its new layer (a new manifest and config under the same tag).
# Then, one after the other:
#   - layercake backup of the release (sources, every image the release names, objects) into a folder store;
#   - restic backup (one snapshot) of the same inputs as files: the git checkout (files at the commit, no .git),
#     an OCI layout export (skopeo copy --all --preserve-digests) of exactly the images the Layercake release names,
#     and the namespace's objects as YAML (kubectl get of every namespaced type). restic 0.14 repository v2
#     (compression auto) in a folder.
# Prints bytes after each release (du --apparent-size -sb) and the ratio; goal: Layercake <= 1.0x restic.
# Needs: java 17, git, docker-registry, skopeo, kubectl, restic, curl, python3; the CLI and demo built
# (./mvnw -pl cli,demo -am package -DskipTests).
set -euo pipefail
RELEASES=${RELEASES:-10}
LAYER_MIB=${LAYER_MIB:-2}
BASE_MIB=${BASE_MIB:-20}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/layercake-bench-restic.XXXXXX)
ENV_PID=
REG_PID=
cleanup() {
  touch "$WORK/demo/stop" 2>/dev/null || true
  [ -n "$REG_PID" ] && kill "$REG_PID" 2>/dev/null || true
  [ -n "$ENV_PID" ] && { sleep 0.5; kill "$ENV_PID" 2>/dev/null || true; }
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { echo "[restic] $*" >&2; }
[ -f "$ROOT/cli/target/layercake.jar" ] && [ -f "$ROOT/demo/target/demo.classpath" ] \
  || { echo "build first: ./mvnw -pl cli,demo -am package -DskipTests" >&2; exit 2; }

# --- the demo environment (registry + Kubernetes API server + the sample's sources) ----------------------------
mkdir -p "$WORK/demo"
java -cp "$ROOT/demo/target/classes:$(cat "$ROOT/demo/target/demo.classpath")" dev.layercake.demo.DemoEnvironment \
  "$WORK/demo" "$ROOT/src" $$ > "$WORK/demo/environment.log" 2>&1 &
ENV_PID=$!
for _ in $(seq 1 900); do [ -f "$WORK/demo/ready" ] && break; kill -0 "$ENV_PID" || break; sleep 0.1; done
[ -f "$WORK/demo/ready" ] || { cat "$WORK/demo/environment.log" >&2; echo "the demo environment did not start" >&2; exit 1; }
# shellcheck disable=SC1091
. "$WORK/demo/demo.env"
export KUBECONFIG=$DEMO_KUBECONFIG
log "demo: $(tr '\n' ' ' < "$WORK/demo/environment.log" | cut -c1-300)"

# --- our own changing image on a docker-registry --------------------------------------------------------------
port=$(( 20000 + RANDOM % 12000 ))
mkdir -p "$WORK/registry"
cat > "$WORK/registry/config.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $WORK/registry/data
http:
  addr: 127.0.0.1:$port
YML
docker-registry serve "$WORK/registry/config.yml" > "$WORK/registry/log" 2>&1 &
REG_PID=$!
REG=127.0.0.1:$port
for _ in $(seq 1 200); do curl -fs "http://$REG/v2/" >/dev/null 2>&1 && break; sleep 0.05; done
upload_blob() { # file digest
  local loc
  loc=$(curl -fsi -X POST "http://$REG/v2/bench/app/blobs/uploads/" | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')
  case "$loc" in http*) ;; *) loc="http://$REG$loc" ;; esac
  curl -fs -X PUT -H 'Content-Type: application/octet-stream' -T "$1" "$loc&digest=$2" >/dev/null
}
layer_tar() { # dir name mib -> writes dir/name.tar of one file of random bytes
  mkdir -p "$1/fs-$2"; head -c "$(( $3 * 1024 * 1024 ))" /dev/urandom > "$1/fs-$2/$2"
  tar -C "$1/fs-$2" -cf "$1/$2.tar" "$2"; rm -rf "$1/fs-$2"
}
d="$WORK/img"; mkdir -p "$d"
layer_tar "$d" base "$BASE_MIB"
BD="sha256:$(sha256sum "$d/base.tar" | cut -d' ' -f1)"; BS=$(stat -c %s "$d/base.tar")
upload_blob "$d/base.tar" "$BD"
push_release_image() { # N: a new top layer, config and manifest under bench/app:1
  layer_tar "$d" "app$1" "$LAYER_MIB"
  local ld ls cd cs
  ld="sha256:$(sha256sum "$d/app$1.tar" | cut -d' ' -f1)"; ls=$(stat -c %s "$d/app$1.tar")
  printf '{"architecture":"amd64","os":"linux","config":{"Labels":{"release":"%s"}},"rootfs":{"type":"layers","diff_ids":["%s","%s"]}}' "$1" "$BD" "$ld" > "$d/config.json"
  cd="sha256:$(sha256sum "$d/config.json" | cut -d' ' -f1)"; cs=$(stat -c %s "$d/config.json")
  upload_blob "$d/app$1.tar" "$ld"; upload_blob "$d/config.json" "$cd"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%s},{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%s}]}' \
    "$cd" "$cs" "$BD" "$BS" "$ld" "$ls" > "$d/manifest.json"
  curl -fs -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "@$d/manifest.json" \
    "http://$REG/v2/bench/app/manifests/1" >/dev/null
  rm -f "$d/app$1.tar"
}

STORE="$WORK/store"
export RESTIC_PASSWORD=bench-only-password RESTIC_REPOSITORY="$WORK/restic" RESTIC_CACHE_DIR="$WORK/restic-cache"
restic init -q >/dev/null
SRC=$DEMO_SOURCE
printf '%-8s %14s %14s %8s\n' "release" "layercake B" "restic B" "ratio" > "$WORK/table"
for n in $(seq 1 "$RELEASES"); do
  # what changes in this release
  if [ "$n" -gt 1 ]; then
    printf '# release %s\nreleased_at = "%s"\n' "$n" "$(date -u +%FT%TZ)" > "$SRC/RELEASE.toml"
    git -C "$SRC" add -A && git -C "$SRC" -c user.name=bench -c user.email=bench@example.com commit -q -m "release $n"
  fi
  kubectl -n shop-prod create configmap "bench-release-$n" --validate=false --from-literal=release="$n" >/dev/null
  kubectl -n shop-prod create configmap bench-current --from-literal=release="$n" --from-literal=at="$(date -u +%T.%N)" \
    --dry-run=client -o yaml | { if [ "$n" = 1 ]; then kubectl create --validate=false -f - ; else kubectl replace --validate=false -f - ; fi; } >/dev/null
  push_release_image "$n"

  # layercake
  /usr/bin/time -f "%e" -o "$WORK/t-lc" "$ROOT/bin/layercake" backup --app shop --release "r$n" --store "$STORE" --source "$SRC" \
    --insecure-registry "$DEMO_REGISTRY" --insecure-registry "$REG" --image "$REG/bench/app:1" --namespace shop-prod \
    --kubeconfig "$DEMO_KUBECONFIG" --encryption-key-file "$DEMO_KEY" --json --quiet > "$WORK/lc.json" 2> "$WORK/lc.err" \
    || { cat "$WORK/lc.err" "$WORK/lc.json" >&2; exit 1; }

  # the same inputs as files, for restic
  in="$WORK/inputs"; rm -rf "$in"; mkdir -p "$in/oci"
  git -C "$SRC" archive --format=tar HEAD | tar -C "$in" --one-top-level=source -xf -
  "$ROOT/bin/layercake" show --app shop --release "r$n" --store "$STORE" --json > "$WORK/show.json"
  python3 - "$WORK/show.json" > "$WORK/images.txt" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
def walk(o):
    if isinstance(o, dict):
        ref, dig = o.get("ref"), o.get("digest")
        if isinstance(ref, str) and isinstance(dig, str) and dig.startswith("sha256:") and "copies" in o:
            name = ref.split("@")[0]
            last = name.rsplit("/", 1)[-1]
            if ":" in last:
                name = name[: len(name) - len(last)] + last.split(":")[0]
            print(name + "@" + dig)
        for v in o.values():
            walk(v)
    elif isinstance(o, list):
        for v in o:
            walk(v)
walk(doc)
PY
  i=0
  while read -r ref; do
    i=$((i + 1))
    skopeo copy -q --all --preserve-digests --src-tls-verify=false "docker://$ref" "oci:$in/oci:image$i" >/dev/null
  done < <(sort -u "$WORK/images.txt")
  types=$(kubectl api-resources --namespaced=true --verbs=list -o name 2>/dev/null | grep -v -E '^(events|events.events.k8s.io)$' | paste -sd, -)
  kubectl -n shop-prod get "$types" -o yaml > "$in/objects.yaml" 2>/dev/null || kubectl -n shop-prod get all,configmaps,secrets -o yaml > "$in/objects.yaml"
  /usr/bin/time -f "%e" -o "$WORK/t-restic" restic backup -q --host bench "$in" >/dev/null

  lc=$(du --apparent-size -sb "$STORE" | cut -f1); rs=$(du --apparent-size -sb "$RESTIC_REPOSITORY" | cut -f1)
  printf '%-8s %14d %14d %8.3f\n' "r$n" "$lc" "$rs" "$(echo "$lc / $rs" | bc -l)" >> "$WORK/table"
  log "release $n: images $(sort -u "$WORK/images.txt" | wc -l), objects $(grep -c '^  kind:' "$in/objects.yaml" || true), layercake $lc B ($(cat "$WORK/t-lc") s), restic $rs B ($(cat "$WORK/t-restic") s)"
done
echo
echo "P3 store bytes, $RELEASES releases of the demo sample + one changing image (base ${BASE_MIB} MiB, a new ${LAYER_MIB} MiB layer per release): $(date -u +%F' '%H:%M) UTC"
echo "load: $(uptime | sed 's/.*load average: //'); restic $(restic version | cut -d' ' -f2), repository v2, compression auto"
cat "$WORK/table"
echo "goal: layercake <= 1.0x restic's bytes after release $RELEASES"
echo "what each holds after the last release:"
echo "  layercake: $(find "$STORE" -type f | wc -l) files; blobs $(du --apparent-size -sb "$STORE/blobs" | cut -f1) B, manifests+rest $(( $(du --apparent-size -sb "$STORE" | cut -f1) - $(du --apparent-size -sb "$STORE/blobs" | cut -f1) )) B"
echo "  restic:    $(find "$RESTIC_REPOSITORY" -type f | wc -l) files; data $(du --apparent-size -sb "$RESTIC_REPOSITORY/data" | cut -f1) B, index $(du --apparent-size -sb "$RESTIC_REPOSITORY/index" | cut -f1) B"
echo "  inputs of the last release: $(du --apparent-size -sb "$in" | cut -f1) B ($(du --apparent-size -sb "$in/oci" | cut -f1) B OCI layout)"
restic stats -q --mode raw-data 2>/dev/null | sed 's/^/  restic raw-data: /' || true
