#!/usr/bin/env bash
# Keeps the measuring tools working (issue 7): publishes the example UDFs, runs the load tool in smoke mode against
# them (every output verified byte for byte; tiny sizes, so the figures mean nothing) and runs each BenchmarkDotNet
# benchmark once (--job dry). Finishes in a minute or two. Exit status: non-zero if anything failed or mismatched.
#
#   bash bench/smoke.sh            # load tool + benchmarks
#   SMOKE_BENCHMARKS=0 bash bench/smoke.sh   # load tool only
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "=== smoke: the example UDFs, native (artifacts/native from .ci/publish-native.sh, else published here)"
for udf in MovingAverage Outliers; do
  if [ -x "artifacts/native/$udf/$udf" ]; then
    mkdir -p "$out/$udf" && cp "artifacts/native/$udf/$udf" "$out/$udf/$udf"
  else
    dotnet publish "examples/$udf" -c Release -o "$out/$udf" --nologo -v quiet
  fi
done

echo "=== smoke: load tool (moving average, outliers, Info probe)"
dotnet build bench/Kapacitor.Udf.LoadTool -c Release --nologo -v quiet
dotnet bench/Kapacitor.Udf.LoadTool/bin/Release/net10.0/kapacitor-udf-load.dll all \
  --moving-average "$out/MovingAverage/MovingAverage" \
  --outliers "$out/Outliers/Outliers" \
  --smoke --two-writes --json "$out/smoke.json"

if [ "${SMOKE_BENCHMARKS:-1}" != "0" ]; then
  echo "=== smoke: BenchmarkDotNet, every benchmark once (--job dry)"
  log="$out/bdn.log"
  if ! dotnet run -c Release --project bench/Kapacitor.Udf.Benchmarks -- --filter '*' --job dry --artifacts "$out/bdn" >"$log" 2>&1; then
    tail -40 "$log"; exit 1
  fi
  # BenchmarkDotNet exits 0 even when a benchmark threw: its summary then lists "Benchmarks with issues".
  if grep -q -e 'Benchmarks with issues' -e 'has failed to build' "$log"; then
    grep -A5 -e 'Benchmarks with issues' -e 'has failed to build' "$log"; exit 1
  fi
  grep -E '^\|' "$log"
fi
echo "=== smoke: ok"
