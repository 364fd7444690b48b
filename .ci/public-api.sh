#!/usr/bin/env bash
# The public API lists (PublicAPI.Shipped.txt / PublicAPI.Unshipped.txt) of the packed libraries, without an IDE.
#
#   .ci/public-api.sh update   rewrite each PublicAPI.Unshipped.txt from the code: every public symbol (the generated
#                              protocol classes included) that PublicAPI.Shipped.txt does not list. Runs the analyzer's
#                              own code fix for RS0016 (dotnet format analyzers; --include-generated, or it skips the
#                              classes Grpc.Tools generates). Review the diff like code.
#   .ci/public-api.sh check    build the projects with warnings as errors: fails on RS0016 (public but not listed) and
#                              RS0017 (listed but gone).
#
# At a release, move the Unshipped lines into Shipped (keep "#nullable enable" first in both). A shipped symbol that is
# removed is a breaking change: list it in Unshipped as "*REMOVED*<line>" by hand; `update` keeps such lines.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

projects=(src/Kapacitor.Udf/Kapacitor.Udf.csproj src/Kapacitor.Udf.Testing/Kapacitor.Udf.Testing.csproj)

update() {
  local project dir unshipped removed
  for project in "${projects[@]}"; do
    dir=$(dirname "$project")
    unshipped=$dir/PublicAPI.Unshipped.txt
    removed=$(grep '^\*REMOVED\*' "$unshipped" || true)
    { echo '#nullable enable'; [ -z "$removed" ] || echo "$removed"; } >"$unshipped"
    echo "public-api: regenerating $unshipped"
    # The fix-all of RS0016 writes every missing symbol into PublicAPI.Unshipped.txt; nothing else is changed.
    dotnet format analyzers "$project" --diagnostics RS0016 --severity error --include-generated -v q
    # One order whatever the fixer's: the header first, then the lines sorted (ordinal).
    { head -n 1 "$unshipped"; tail -n +2 "$unshipped" | LC_ALL=C sort -u; } >"$unshipped.tmp"
    mv "$unshipped.tmp" "$unshipped"
    echo "public-api: $(($(wc -l <"$unshipped") - 1)) unshipped entries in $unshipped"
  done
}

check() {
  local project
  for project in "${projects[@]}"; do
    dotnet build "$project" -warnaserror -nologo -v q
  done
}

case "${1:-}" in
  update) update; check ;;
  check) check ;;
  *) echo "usage: $0 update|check" >&2; exit 2 ;;
esac
