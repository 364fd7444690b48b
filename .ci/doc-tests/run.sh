#!/usr/bin/env bash
# The documentation, tested as a reader uses it (.ci/doc-tests/README.md):
#  1. extract.py checks that every C# block of the documentation (and every shell block of README.md and
#     examples/README.md) carries its doc-test marker, and writes the blocks into the projects and flows;
#  2. README.md's shell blocks run in document order, in one shell, in a copy of the repository's files, under a
#     throwaway HOME (so `dotnet tool install -g`, `dotnet new install` and `dotnet nuget add source` land there) and a
#     throwaway NuGet package folder; its pack block makes the packages everything after it uses;
#  3. the C# blocks are built as the projects in projects/, against those packages (one restore, one build, warnings as
#     errors), and the ones that are tests run;
#  4. examples/README.md's shell blocks run in the repository itself (they only build into bin/, obj/ and artifacts/).
# Each flow and each project folder under projects/ is one test: "ok: ..." or "FAILED: ..." (with its log), then
# "doc tests: N passed, N failed"; the exit code is 1 when one failed.
#
# Run it alone (it builds; not beside other builds): .ci/doc-tests/run.sh. KEEP=1 keeps the work folder.
# DOC_TESTS_PACKAGES_TO=DIR copies the packages README.md's pack block made into DIR, where .ci/run's package round
# trip takes them instead of packing again.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# NuGet's HTTP cache keeps what nuget.org served, keyed by URL (never a package from a local folder): sharing it only
# spares the downloads. Read before HOME changes.
NUGET_HTTP_CACHE_PATH=${NUGET_HTTP_CACHE_PATH:-$(dotnet nuget locals http-cache --list | sed -n 's/^http-cache: //p')}
export NUGET_HTTP_CACHE_PATH
work=$(mktemp -d "${TMPDIR:-/tmp}/kapacitor-udf-doc-tests.XXXXXX")
home=$work/home packages=$work/nuget-packages clone=$work/clone/Kapacitor.Udf
mkdir -p "$home" "$clone"
started=$SECONDS

cleanup() { if [ "${KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

passed=0 failed=0
ok() { echo "ok: $* ($((SECONDS - step_started)) s)"; passed=$((passed + 1)); }
fail() { echo "FAILED: $*"; failed=$((failed + 1)); }
finish() {
  echo "doc tests: $((SECONDS - started)) s"
  echo "doc tests: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && exit 0 || exit 1
}
# A reader's environment: a home and a package folder of their own, nothing installed yet.
as_reader() { HOME=$home NUGET_PACKAGES=$packages "$@"; }

step_started=$SECONDS
if python3 .ci/doc-tests/extract.py --out "$work/extracted"; then
  ok "every C# block of the documentation, and every shell block of README.md and examples/README.md, is marked"
else
  fail "doc-test markers (above)"
  finish
fi

# README.md, in a copy of the files a clone would have (with uncommitted changes, so a local run tests them).
step_started=$SECONDS
git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$clone"
if (cd "$clone" && as_reader bash "$work/extracted/flows/README.sh") >"$work/README.log" 2>&1; then
  ok "README.md: its shell blocks, as printed"
else
  cat "$work/README.log"
  fail "README.md: its shell blocks (the log above)"
fi

feed=$clone/packages
version=$(find "$feed" -maxdepth 1 -name 'Kapacitor.Udf.[0-9]*.nupkg' -printf '%f\n' 2>/dev/null | sed 's/^Kapacitor\.Udf\.//; s/\.nupkg$//' | sort | tail -n 1)
if [ -n "$version" ] && [ -n "${DOC_TESTS_PACKAGES_TO:-}" ]; then
  cp "$feed"/*."$version".nupkg "$feed"/*."$version".snupkg "$DOC_TESTS_PACKAGES_TO"/
fi

# The C# blocks: one restore and one build of every project, against the packages README.md's pack made. Release and
# that pack's version, so the simulator-library project's reference to the copy's simulator finds it already built.
projects=$work/extracted/projects
build_log=$work/build.log
step_started=$SECONDS
if [ -z "$version" ]; then
  echo "no packages from README.md's pack block: the projects cannot be built" >"$build_log"
  build_status=1
else
  bash .ci/local-feed-nuget-config.sh "$feed" >"$projects/nuget.config"
  {
    echo '<Solution>'
    (cd "$projects" && find . -name '*.csproj' | sort | sed 's|^\./\(.*\)$|  <Project Path="\1" />|')
    echo '</Solution>'
  } >"$projects/DocTests.slnx"
  properties=(-p:Version="$version" -p:KapacitorUdfVersion="$version" -p:KapacitorUdfRepository="$clone")
  (cd "$projects" && as_reader dotnet restore DocTests.slnx "${properties[@]}" -nologo -tl:off -v quiet \
     && as_reader dotnet build DocTests.slnx --no-restore -c Release "${properties[@]}" -nologo -tl:off -v quiet) >"$build_log" 2>&1
  build_status=$?
fi
echo "doc projects: restore and build $((SECONDS - step_started)) s"

# One test per folder of projects/: every project in it built (no error names it) and its tests, if any, passed.
for folder in $(cd "$projects" && find . -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort); do
  step_started=$SECONDS
  problems=""
  for csproj in $(find "$projects/$folder" -name '*.csproj' | sort); do
    name=$(basename "$csproj" .csproj)
    if [ -z "$version" ] || grep -q "error.*\[$csproj" "$build_log" \
        || ! test -f "$(dirname "$csproj")/bin/Release/net10.0/$name.dll"; then
      problems+=" $name: build;"
      continue
    fi
    if grep -q '<IsTestProject>true</IsTestProject>' "$csproj"; then
      if ! (cd "$projects" && as_reader dotnet test "$csproj" --no-build -c Release -nologo -tl:off) >"$work/$name.test.log" 2>&1; then
        cat "$work/$name.test.log"
        problems+=" $name: tests;"
      fi
    fi
  done
  if [ -z "$problems" ]; then
    ok "projects/$folder: built as printed$(grep -l '<IsTestProject>true' -r "$projects/$folder" --include='*.csproj' >/dev/null && echo ', tests passed')"
  else
    grep -F "$projects/$folder/" "$build_log" | grep -F ' error ' | sort -u
    fail "projects/$folder:$problems"
  fi
done
if [ "$build_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  cat "$build_log"
  fail "doc projects: the build failed outside any one project (the log above)"
fi

step_started=$SECONDS
if bash "$work/extracted/flows/examples-README.sh" >"$work/examples.log" 2>&1; then
  ok "examples/README.md: its shell blocks, as printed"
else
  cat "$work/examples.log"
  fail "examples/README.md: its shell blocks (the log above)"
fi

finish
