#!/usr/bin/env bash
# The simulator's own cost (BENCHMARKS.md, "The simulator"): POINTS points of line protocol (20 hosts, grouped by
# host) through a moving-average UDF, `.field('value').size(10).as('avg')`, answers written to a file, every protocol
# check on. Prints the simulator's summary (wall time and rate, its CPU user+system and peak RSS from /proc/self) and,
# as a cross-check from outside, its utime+stime and VmHWM sampled from /proc/<pid> every 0.1 s until it exits, and the
# UDF's own CPU and peak RSS (the UDF runs under /usr/bin/time, which passes STDIN and STDOUT straight through).
# Runs under flock /tmp/kudf-bench.lock, so two measurements never overlap.
#
#   bench/simulator/measure.sh                          # 2,000,000 points, the Release build of examples/MovingAverage
#   bench/simulator/measure.sh /tmp/udf/MovingAverage/MovingAverage 2000000
set -euo pipefail
cd "$(dirname "$0")/../.."
udf=${1:-examples/MovingAverage/bin/Release/net10.0/MovingAverage}
points=${2:-2000000}
input=${TMPDIR:-/tmp}/kapacitor-udf-sim-bench-$points.lp
out=$(mktemp); err=$(mktemp); wrap=$(mktemp); udftime=$(mktemp)
trap 'rm -f "$out" "$err" "$wrap" "$udftime"' EXIT

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  dotnet build src/Kapacitor.Udf.Simulator -c Release -nologo -v quiet -tl:off >/dev/null
  [ -n "${1:-}" ] || dotnet build examples/MovingAverage -c Release -nologo -v quiet -tl:off >/dev/null
fi
[ -s "$input" ] || bench/simulator/generate-points.sh "$points" 20 >"$input"
printf '#!/bin/sh\nexec /usr/bin/time -f "%%U %%S %%M" -o %s %s "$@"\n' "$udftime" "$(readlink -f "$udf")" >"$wrap"
chmod +x "$wrap"

flock /tmp/kudf-bench.lock bash -c '
  dotnet src/Kapacitor.Udf.Simulator/bin/Release/net10.0/Kapacitor.Udf.Simulator.dll run --input "$1" --group-by host \
    --opt "field('"'"'value'"'"')" --opt "size(10)" --opt "as('"'"'avg'"'"')" -- "$2" >"$3" 2>"$4" &
  pid=$!; ticks=0; hwm=0
  while [ -r /proc/$pid/stat ]; do
    stat=$(cat /proc/$pid/stat 2>/dev/null) || break
    set -- $stat; t=$(( ${14} + ${15} ))
    h=$(awk "/^VmHWM:/ {print \$2}" /proc/$pid/status 2>/dev/null || echo 0)
    [ -n "$h" ] && [ "$t" -gt 0 ] && { ticks=$t; hwm=$h; }
    sleep 0.1
  done
  wait $pid
  echo "outside: /proc/$pid utime+stime $ticks ticks ($(( ticks * 10 )) ms, last sample before exit), VmHWM $(( hwm / 1024 )) MB"
' _ "$input" "$wrap" "$out" "$err"
grep -E "^kapacitor-udf-sim: (sent|simulator|clean|[0-9]+ violation)" "$err"
read -r user sys maxkb <"$udftime"
awk -v u="$user" -v s="$sys" -v m="$maxkb" -v n="$points" 'BEGIN {
  printf "udf: %.2f s CPU (user %.2f + sys %.2f) = %.2f µs/point, peak RSS %.1f MB\n", u + s, u, s, (u + s) * 1e6 / n, m / 1024 }'
echo "answers: $(wc -l <"$out") lines for $points points; load average $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
