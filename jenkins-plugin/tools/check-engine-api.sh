#!/bin/bash
# Checks, without the Jenkins repository, that the plugin's uses of the engine are right: run from the repository
# root after a build of core (e.g. ./mvnw -B -q -o -pl cli -am test -Dtest=FrontDoorImportsTest
# -Dsurefire.failIfNoSpecifiedTests=false -Dlayercake.cds.skip=true).
#  1. every dev.layercake reference in jenkins-plugin/src resolves to a compiled class of core/registry-backup
#     (main or test classes) or to a source file of the plugin;
#  2. every engine signature the plugin calls exists as written below (javap);
#  3. javac over the plugin's main sources against the engine: every error left once the ones caused by the
#     absent Jenkins classes are set aside (unknown packages and Jenkins symbols, @Override of Jenkins supertypes,
#     inherited Jenkins methods) is printed; none is expected.
set -u
CP=core/target/classes:registry-backup/target/classes
fail=0
n=0
for ref in $(grep -rhoE 'dev\.layercake(\.[a-z][a-zA-Z0-9_]*)*\.[A-Z][A-Za-z0-9_]*' jenkins-plugin/src --include=*.java | sort -u); do
  n=$((n+1)); path=${ref//.//}; found=""
  for root in core/target/classes registry-backup/target/classes core/target/test-classes registry-backup/target/test-classes; do
    [ -f "$root/$path.class" ] && found=$root
  done
  [ -z "$found" ] && { [ -f "jenkins-plugin/src/main/java/$path.java" ] || [ -f "jenkins-plugin/src/test/java/$path.java" ]; } && found=plugin
  [ -z "$found" ] && { echo "MISSING class: $ref"; fail=1; }
done
echo "1. $n distinct engine references resolved"

tmp=$(mktemp -d)
for c in api.Layercake api.access.Access api.request.BackupRequest api.request.SourceOptions api.request.ImageOptions \
    api.request.KubernetesOptions api.request.FreezeOptions api.request.RestoreRequest 'api.request.RestoreRequest$KubernetesTarget' \
    api.request.DrillRequest api.request.FreezeRequest api.request.CopyRequest api.request.ReportRequest api.request.Durations \
    api.request.StoreLocation api.request.Vocabulary api.result.ReleaseView api.result.RenderedReport api.result.FrozenRelease \
    api.result.DrillResult api.result.CopyResult model.BuildInfo api.progress.ProgressListener; do
  javap -cp $CP "dev.layercake.$c" >> "$tmp/javap.txt"
done
m=0
while IFS= read -r sig; do
  [ -z "$sig" ] && continue; m=$((m+1))
  grep -qF -- "  $sig" "$tmp/javap.txt" || { echo "MISSING signature: $sig"; fail=1; }
done <<'SIGS'
public static dev.layercake.api.Layercake with(dev.layercake.api.access.Access);
public dev.layercake.api.result.BackupResult backup(dev.layercake.api.request.BackupRequest, dev.layercake.api.progress.ProgressListener);
public dev.layercake.api.result.FrozenRelease freeze(dev.layercake.api.request.FreezeRequest, dev.layercake.api.progress.ProgressListener);
public dev.layercake.api.result.RestoreResult restore(dev.layercake.api.request.RestoreRequest, dev.layercake.api.progress.ProgressListener);
public dev.layercake.api.result.PipelineFilesWritten restorePipeline(dev.layercake.api.request.StoreLocation, java.lang.String, java.lang.String, java.nio.file.Path, boolean);
public dev.layercake.api.result.DrillResult drill(dev.layercake.api.request.DrillRequest, dev.layercake.api.progress.ProgressListener);
public int cleanDrills(dev.layercake.api.request.DrillRequest, dev.layercake.api.progress.ProgressListener);
public dev.layercake.api.result.RenderedReport report(dev.layercake.api.request.StoreLocation, dev.layercake.api.request.ReportRequest, dev.layercake.api.progress.ProgressListener);
public dev.layercake.api.result.ReleaseView show(dev.layercake.api.request.StoreLocation, java.lang.String, java.lang.String);
public dev.layercake.api.result.CopyResult copy(dev.layercake.api.request.CopyRequest, dev.layercake.api.access.Access, dev.layercake.api.progress.ProgressListener);
public static dev.layercake.api.access.Access fromEnvironment(java.util.Map<java.lang.String, java.lang.String>);
public dev.layercake.api.access.Access withStoreKeys(java.lang.String, java.lang.String, java.lang.String);
public dev.layercake.api.access.Access withRegistryLogin(java.util.Collection<java.lang.String>, java.lang.String, java.lang.String);
public dev.layercake.api.access.Access withSecret(java.lang.String, java.lang.String);
public java.util.Map<java.lang.String, java.lang.String> environment();
public java.util.Optional<software.amazon.awssdk.auth.credentials.AwsCredentialsProvider> storeCredentials();
public dev.layercake.registry.CredentialProvider registryCredentials();
public java.util.Optional<java.lang.String> secret(java.lang.String);
public dev.layercake.api.request.BackupRequest(dev.layercake.api.request.StoreLocation, java.lang.String, java.lang.String, dev.layercake.api.request.SourceOptions, dev.layercake.model.BuildInfo, dev.layercake.api.request.ImageOptions, dev.layercake.api.request.KubernetesOptions, dev.layercake.api.request.FreezeOptions, boolean, java.util.List<java.lang.String>);
public dev.layercake.api.request.SourceOptions(java.lang.String, java.lang.String, java.util.List<java.lang.String>, java.util.List<java.lang.String>, boolean);
public static boolean isRemote(java.lang.String);
public dev.layercake.api.request.ImageOptions(java.util.List<java.lang.String>, java.lang.String, java.lang.String, java.util.List<java.lang.String>);
public dev.layercake.api.request.KubernetesOptions(java.lang.String, java.lang.String, java.util.List<java.lang.String>, java.util.List<java.lang.String>, java.lang.String, java.lang.String, java.lang.String, boolean);
public dev.layercake.api.request.FreezeOptions(boolean, java.lang.String, boolean, java.lang.String, boolean);
public dev.layercake.api.request.RestoreRequest(dev.layercake.api.request.StoreLocation, java.lang.String, java.lang.String, java.lang.String, java.lang.String, java.util.List<java.lang.String>, dev.layercake.api.request.RestoreRequest$KubernetesTarget, boolean, java.lang.String, boolean);
public dev.layercake.api.request.RestoreRequest$KubernetesTarget(boolean, java.lang.String, java.lang.String, java.util.Map<java.lang.String, java.lang.String>, java.lang.String, boolean, java.lang.String, java.lang.String, java.lang.String);
public static java.util.Map<java.lang.String, java.lang.String> parseMapping(java.util.List<java.lang.String>);
public dev.layercake.api.request.DrillRequest(dev.layercake.api.request.StoreLocation, java.lang.String, java.lang.String, java.nio.file.Path, java.nio.file.Path, java.lang.String, java.util.List<java.lang.String>, boolean, java.lang.String, java.lang.String, java.util.Map<java.lang.String, java.lang.String>, java.lang.String, java.lang.String, java.time.Duration, boolean);
public dev.layercake.api.request.FreezeRequest(dev.layercake.api.request.StoreLocation, java.lang.String, java.lang.String, java.time.Instant, boolean, boolean, java.util.List<java.lang.String>);
public dev.layercake.api.request.CopyRequest(dev.layercake.api.request.StoreLocation, dev.layercake.api.request.StoreLocation, java.lang.String, java.util.List<java.lang.String>, java.util.List<java.lang.String>);
public dev.layercake.api.request.ReportRequest(java.lang.String, java.lang.String, java.lang.String);
public static java.time.Duration parse(java.lang.String, java.lang.String);
public static java.time.Instant parseDate(java.lang.String, java.lang.String);
public static dev.layercake.api.request.StoreLocation parse(java.lang.String, java.lang.String, java.lang.String, boolean);
public dev.layercake.api.request.StoreLocation(java.lang.String, java.nio.file.Path, java.lang.String, java.lang.String, java.lang.String, java.lang.String, boolean);
public static final java.lang.String FILE;
public java.lang.String scheme();
public java.nio.file.Path directory();
public static java.lang.String render(java.lang.String, dev.layercake.api.request.Vocabulary$FrontDoor);
public dev.layercake.model.Manifest manifest();
public java.lang.String html();
public dev.layercake.api.result.FreezeResult freeze();
public java.util.List<dev.layercake.api.result.ImageTag> imageTags();
public dev.layercake.api.result.DrillRecord record();
public java.lang.String recordKey();
public dev.layercake.model.Digest recordDigest();
public boolean signed();
public java.util.List<dev.layercake.api.result.CopyResult$Copied> releases();
public dev.layercake.model.BuildInfo(java.lang.String, java.lang.String, java.lang.String, java.lang.String, java.lang.String, java.lang.String);
public static final dev.layercake.api.progress.ProgressListener NONE;
SIGS
echo "2. $m engine signatures found"

AWS=$(find ~/.m2/repository/software/amazon/awssdk -name '*.jar' 2>/dev/null | tr '\n' ':')
javac -proc:none -Xmaxerrs 10000 -d "$tmp/classes" -cp "$CP:$AWS" $(find jenkins-plugin/src/main/java -name '*.java') > "$tmp/javac.txt" 2>&1
left=$(python3 - "$tmp/javac.txt" <<'PY'
import pathlib, re, sys
src = pathlib.Path('jenkins-plugin/src/main/java/dev/layercake/jenkins')
# Simple names of everything the plugin imports from outside the JDK and the engine (Jenkins, its plugins, Stapler),
# the generated Messages, and what the plugin's classes inherit from Jenkins supertypes.
absent = {'Messages', 'FormException', 'getContext', 'save', 'load', 'super'}
for f in src.glob('*.java'):
    for m in re.finditer(r'^import (?!java\.|javax\.|dev\.layercake\.)[\w.]*\.(\w+);', f.read_text(), re.M):
        absent.add(m.group(1))
blocks, cur = [], None
for l in open(sys.argv[1]).read().split('\n'):
    if re.match(r'^\S.*\.java:\d+: error:', l):
        cur = [l]; blocks.append(cur)
    elif cur is not None:
        cur.append(l)
out = []
for b in blocks:
    t = '\n'.join(b)
    if re.search(r'error: (package [\w.]+ does not exist|method does not override or implement|non-static method getContext)', b[0]):
        continue
    m = re.search(r'symbol:\s+(?:class|variable|method)\s+(\w+)', t)
    if 'cannot find symbol' in b[0] and m and m.group(1) in absent:
        continue
    out.append(t)
print('\n---\n'.join(out))
PY
)
if [ -n "$left" ]; then echo "$left"; echo "3. javac: errors not caused by the absent Jenkins classes (above)"; fail=1; else echo "3. javac: no error beyond the absent Jenkins classes"; fi
rm -rf "$tmp"
exit $fail
