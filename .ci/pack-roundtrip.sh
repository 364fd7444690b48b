#!/usr/bin/env bash
# The packages, round trip: pack Kapacitor.Udf, Kapacitor.Udf.Testing, the simulator tool and the template package
# with a version no earlier run used (0.0.0-ci.<UTC timestamp>), check what is in them, then do what a user does:
# install the template (into a private hive), create a stream UDF (process mode) and a batch UDF (socket mode) outside
# this repository, with a nuget.config that takes Kapacitor.Udf* only from the fresh packages and a private
# NUGET_PACKAGES (a stale cache can never stand in for fresh code), build them with warnings as errors, run their
# tests, publish both native (their default; the packaged options generator must have run for their options to work),
# install the simulator tool from the fresh package and let it drive the native executables as kapacitord would,
# checking the values the generated UDFs compute. A third project checks that --aot false opts out.
#
# Run it alone (it builds; not in parallel with other builds). KEEP=1 keeps the work folder.
# ROUNDTRIP_PACKAGES=DIR takes the four packages (and symbols) from DIR instead of packing them: .ci/run passes the ones
# README.md's pack block made in .ci/doc-tests/run.sh (a version no earlier run used either, 0.1.0-local.<timestamp>).
# The stream project is then not built and tested here, because that flow built and tested the same template output
# from the same packages (README.md, "Create a UDF from the template"); it is still published native and simulated.
# Ends with "roundtrip checks: N ok, N failed" and exits non-zero when a check failed.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
work=$(mktemp -d "${TMPDIR:-/tmp}/kapacitor-udf-roundtrip.XXXXXX")
hive=$work/hive gen=$work/gen tools=$work/tools
if [ -n "${ROUNDTRIP_PACKAGES:-}" ]; then
  feed=$ROUNDTRIP_PACKAGES
  version=$(find "$feed" -maxdepth 1 -name 'Kapacitor.Udf.[0-9]*.nupkg' -printf '%f\n' | sed 's/^Kapacitor\.Udf\.//; s/\.nupkg$//')
else
  feed=$work/feed
  version="0.0.0-ci.$(date -u +%Y%m%d%H%M%S)"
fi
server_pid=
started=$SECONDS

cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

passed=0 failed=0
step() { printf '\n--- %s (%ss)\n' "$*" "$((SECONDS - started))"; }
ok() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAILED: $*"; failed=$((failed + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
finish() {
  echo "roundtrip: $((SECONDS - started))s, version $version"
  echo "roundtrip checks: $passed ok, $failed failed"
  [ "$failed" -eq 0 ] && exit 0 || exit 1
}
# A step that must work for the rest to mean anything.
must() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; finish; fi; }

# Unpacks a package once into $work/x/<file name> (python3's zipfile: no unzip needed).
unpack() { python3 -m zipfile -e "$1" "$work/x/$(basename "$1")"; }
has_entry() { test -f "$work/x/$(basename "$1")/$2"; }

if [ -n "${ROUNDTRIP_PACKAGES:-}" ]; then
  step "the packages of version $version in $feed (packed by README.md's pack block)"
  must "one version of the packages in $feed" test "$(wc -w <<<"$version")" -eq 1
else
  step "pack $version into $feed"
  pack() {
    dotnet pack "$1" -c Release -o "$feed" -p:Version="$version" -nologo -tl:off -v quiet -warnaserror
  }
  for project in src/Kapacitor.Udf src/Kapacitor.Udf.Testing src/Kapacitor.Udf.Simulator templates/Kapacitor.Udf.Templates; do
    must "pack $project" pack "$project"
  done
fi
ls -l "$feed"

step "what the packages hold"
udf=$feed/Kapacitor.Udf.$version.nupkg
testing=$feed/Kapacitor.Udf.Testing.$version.nupkg
sim=$feed/Kapacitor.Udf.Simulator.$version.nupkg
templates=$feed/Kapacitor.Udf.Templates.$version.nupkg
for package in "$udf" "$testing" "$sim" "$templates"; do
  name=$(basename "$package")
  must "$name: unpack" unpack "$package"
  check "$name: README.md" has_entry "$package" README.md
  check "$name: license expression MIT" grep -q '<license type="expression">MIT</license>' "$work/x/$name/${name%%.[0-9]*}.nuspec"
done
for package in "$udf" "$testing" "$sim"; do
  name=$(basename "$package" .nupkg)
  must "$name.snupkg: unpack" unpack "$feed/$name.snupkg"
  check "$name.snupkg: portable PDB" test -s "$(find "$work/x/$name.snupkg" -name '*.pdb' | head -n 1)"
done
check "Kapacitor.Udf: lib + XML docs" has_entry "$udf" lib/net10.0/Kapacitor.Udf.xml
check "Kapacitor.Udf: proto/udf.proto" has_entry "$udf" proto/udf.proto
check "Kapacitor.Udf: contentFiles udf.proto" has_entry "$udf" contentFiles/any/any/udf.proto
check "Kapacitor.Udf: udf.proto is the repository's" cmp -s "$repo/udf.proto" "$work/x/$(basename "$udf")/proto/udf.proto"
check "Kapacitor.Udf: the options source generator (analyzers/dotnet/cs)" has_entry "$udf" analyzers/dotnet/cs/Kapacitor.Udf.Generators.dll
check "Kapacitor.Udf.Testing: XML docs" has_entry "$testing" lib/net10.0/Kapacitor.Udf.Testing.xml
# Exactly that version ([x.y.z]): the test kit uses Kapacitor.Udf's internals (docs/architecture.md).
check "Kapacitor.Udf.Testing depends on exactly Kapacitor.Udf [$version]" \
  grep -qF "<dependency id=\"Kapacitor.Udf\" version=\"[$version]\"" "$work/x/$(basename "$testing")/Kapacitor.Udf.Testing.nuspec"
check "Kapacitor.Udf.Simulator: a dotnet tool" has_entry "$sim" tools/net10.0/any/DotnetToolSettings.xml
check "Kapacitor.Udf.Templates: template type" grep -q '<packageType name="Template"' "$work/x/$(basename "$templates")/Kapacitor.Udf.Templates.nuspec"
check "Kapacitor.Udf.Templates: template.json stamped with $version" \
  grep -q "\"value\": \"$version\"" "$work/x/$(basename "$templates")/content/kapacitor-udf/.template.config/template.json"

step "install the template into a private hive"
must "dotnet new install" dotnet new install "$templates" --debug:custom-hive "$hive"

# Outside the repository: no Directory.Build.props or Directory.Packages.props of ours above it.
mkdir -p "$gen"
bash .ci/local-feed-nuget-config.sh "$feed" >"$gen/nuget.config"
export NUGET_PACKAGES=$work/nuget-packages

step "create: Scale (stream, process mode) and Center (batch, socket mode)"
cd "$gen"
must "dotnet new kapacitor-udf -n Scale" dotnet new kapacitor-udf -n Scale -o Scale --debug:custom-hive "$hive"
must "dotnet new kapacitor-udf -n Center --edge batch --socket" \
  dotnet new kapacitor-udf -n Center --edge batch --socket -o Center --debug:custom-hive "$hive"
for project in Scale Center; do
  for file in "$project.slnx" "src/$project/$project.csproj" "tests/$project.Tests/$project.Tests.csproj" kapacitor.conf \
              "$project.tick" Dockerfile README.md data/sample.lp; do
    check "$project/$file" test -s "$project/$file"
  done
  check "$project references Kapacitor.Udf $version" grep -q "<KapacitorUdfVersion>$version</KapacitorUdfVersion>" "$project/Directory.Build.props"
done
check "Scale: process-mode kapacitor.conf" grep -q 'prog = "/opt/kapacitor-udf/Scale/Scale"' Scale/kapacitor.conf
check "Scale: stream TICKscript" grep -q '@scale()' Scale/Scale.tick
check "Center: socket-mode kapacitor.conf" grep -q 'socket = "/var/run/kapacitor-udf/center.sock"' Center/kapacitor.conf
check "Center: batch TICKscript" grep -q '^batch' Center/Center.tick
check "Center: socket-mode Dockerfile" grep -q -- '--socket' Center/Dockerfile
for project in Scale Center; do
  check "$project: native by default (PublishAot)" grep -q '<PublishAot>true</PublishAot>' "$project/src/$project/$project.csproj"
  check "$project: Dockerfile builds natively on Ubuntu 22.04" grep -q '^FROM ubuntu:22.04 AS build' "$project/Dockerfile"
done
must "dotnet new kapacitor-udf -n Plain --aot false" dotnet new kapacitor-udf -n Plain --aot false -o Plain --debug:custom-hive "$hive"
check "Plain (--aot false): no PublishAot" bash -c "! grep -q PublishAot Plain/src/Plain/Plain.csproj"
check "Plain (--aot false): framework-dependent Dockerfile" grep -q 'dotnet/runtime' Plain/Dockerfile

built=(Scale Center)
[ -n "${ROUNDTRIP_PACKAGES:-}" ] && built=(Center)
for project in "${built[@]}"; do
  step "$project: dotnet build -warnaserror, dotnet test"
  must "$project: build" bash -c "cd '$project' && dotnet build -c Release -warnaserror -nologo -tl:off -v quiet"
  check "$project: restored Kapacitor.Udf $version from the fresh packages" \
    test -f "$NUGET_PACKAGES/kapacitor.udf/${version,,}/kapacitor.udf.${version,,}.nupkg"
  # The test output only on failure: its summary line must not be mistaken for .ci/run's own counts.
  if (cd "$project" && dotnet test -c Release --no-build -nologo -tl:off >"$work/$project-test.log" 2>&1); then
    tests=$(grep -Eo 'Passed: +[0-9]+' "$work/$project-test.log" | awk '{ s += $2 } END { print s + 0 }')
    check "$project: the generated tests ran ($tests) and none failed" test "$tests" -gt 0
  else
    cat "$work/$project-test.log"
    fail "$project: the generated tests"
  fi
done

for project in Scale Center; do
  step "$project: dotnet publish -c Release (native)"
  # The options class works only if the packaged generator ran: a native executable has no reflection to fall back on.
  must "$project: native publish" bash -c "cd '$project' && dotnet publish src/$project -c Release -o '$work/native/$project' -warnaserror -nologo -tl:off -v quiet"
  check "$project: a native executable, no dll" bash -c "test -x '$work/native/$project/$project' && ! test -e '$work/native/$project/$project.dll'"
done

step "install the simulator tool from the fresh package"
# From $work, where the package source mapping of $gen/nuget.config does not apply (--add-source cannot be mixed with it).
must "dotnet tool install Kapacitor.Udf.Simulator $version" bash -c \
  "cd '$work' && dotnet tool install --tool-path '$tools' --add-source '$feed' --version '$version' Kapacitor.Udf.Simulator"
kapacitor_udf_sim=$tools/kapacitor-udf-sim
check "kapacitor-udf-sim --version is $version" bash -c "'$kapacitor_udf_sim' --version | grep -qF '$version'"

step "Scale (native) in process mode, driven by kapacitor-udf-sim"
scale=$work/native/Scale/Scale
if "$kapacitor_udf_sim" run --input Scale/data/sample.lp --group-by host --opt "field('value')" --opt "factor(2.0)" \
    -- "$scale" >"$work/scale.out" 2>"$work/scale.err"; then
  ok "Scale: simulator exit 0"
else
  fail "Scale: simulator exit $?"
fi
cat "$work/scale.out"; tail -n 3 "$work/scale.err"
expected_scale=$'cpu,host=a scaled=2 0\ncpu,host=a scaled=5 1000000000\ncpu,host=b scaled=-8 2000000000'
check "Scale: value x 2.0 for each point" test "$(cat "$work/scale.out")" = "$expected_scale"
check "Scale: no protocol violations" grep -q 'clean: no protocol violations' "$work/scale.err"
check "Scale --describe names its kapacitor.conf table" bash -c "'$scale' --describe | grep -qF '[udf.functions.scale]'"

step "Center (native) in socket mode, driven by kapacitor-udf-sim"
center=$work/native/Center/Center
socket=$work/center.sock
"$center" --socket "$socket" 2>"$work/center-server.err" &
server_pid=$!
for _ in $(seq 1 100); do [ -S "$socket" ] && break; sleep 0.1; done
check "Center: server listening on $socket" test -S "$socket"
check "Center --health --socket answers" "$center" --health --socket "$socket"
if "$kapacitor_udf_sim" run --socket "$socket" --name center --input Center/data/sample.lp --group-by host \
    --batch-period 10s --opt "field('value')" >"$work/center.out" 2>"$work/center.err"; then
  ok "Center: simulator exit 0"
else
  fail "Center: simulator exit $?"
fi
cat "$work/center.out"; tail -n 3 "$work/center.err"
# Window [0s, 10s) per host: a = 1, 2, 6 (mean 3), b = 10, 20 (mean 15).
expected_center=$'cpu,host=a deviation=-2,value=1 0\ncpu,host=a deviation=-1,value=2 1000000000\ncpu,host=a deviation=3,value=6 2000000000\ncpu,host=b deviation=-5,value=10 3000000000\ncpu,host=b deviation=5,value=20 4000000000'
check "Center: each point's deviation from its batch mean" test "$(sort "$work/center.out")" = "$(sort <<<"$expected_center")"
check "Center: no protocol violations" grep -q 'clean: no protocol violations' "$work/center.err"
kill -TERM "$server_pid"
wait "$server_pid"; server_status=$?
server_pid=
check "Center: server exits 0 on SIGTERM" test "$server_status" -eq 0
check "Center: socket file removed" test ! -e "$socket"

finish
