#!/usr/bin/env bash
# Writes N points of line protocol to STDOUT for the simulator benchmarks (BENCHMARKS.md, "The simulator"):
# measurement cpu, HOSTS hosts (tag host=host00..), one double field `value` (a noisy wave, two decimals), one point
# per host every 10 s of data time from 2023-11-14T22:13:20Z, hosts interleaved. About 45 bytes a line: 2,000,000
# points are ~90 MB. Deterministic: the same arguments always give the same bytes.
#
#   bench/simulator/generate-points.sh 2000000 20 > /tmp/points-2m.lp
set -euo pipefail
points=${1:-2000000}
hosts=${2:-20}
exec awk -v n="$points" -v hosts="$hosts" 'BEGIN {
  t0 = 1700000000; srand(1)
  for (i = 0; i < n; i++) {
    h = i % hosts
    v = 50 + 40 * sin(i / 997.0 + h) + 5 * rand()
    printf "cpu,host=host%02d value=%.2f %d000000000\n", h, v, t0 + int(i / hosts) * 10
  }
}'
