#!/usr/bin/env bash
# The Docker test of the moving-average example, for a machine with a Docker engine (this project's CI has none and
# only checks this script's syntax): build the image, run each UDF's --describe inside it, start kapacitord, define and
# enable the moving-average task of docs/docker.md, write 12 points over Kapacitor's HTTP write endpoint, check that
# the task's httpOut holds the last average, 75, and tear everything down. Every step fails loudly.
#
#   docker/e2e.sh            (IMAGE=..., PORT=... to change the image tag or the published port)
set -euo pipefail
cd "$(dirname "$0")/.."

image=${IMAGE:-kapacitor-udf-e2e}
port=${PORT:-19092}
container=kapacitor-udf-e2e-$$
work=$(mktemp -d)

fail() { echo "e2e: FAILED: $*" >&2; exit 1; }
step() { echo "e2e: $*"; }
teardown() {
  status=$?
  if [ "$status" -ne 0 ] && docker container inspect "$container" >/dev/null 2>&1; then
    echo "e2e: kapacitord's log:" >&2
    docker logs "$container" 2>&1 | tail -n 50 >&2 || true
  fi
  docker rm -f "$container" >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$status"
}
trap teardown EXIT
trap 'exit 130' INT TERM

command -v docker >/dev/null || fail "no docker client"
docker info >/dev/null 2>&1 || fail "no Docker engine answers"
command -v curl >/dev/null || fail "curl is needed to write points"

step "build $image"
docker build -t "$image" . || fail "docker build"

for udf in MovingAverage Outliers Mirror; do
  step "$udf --describe inside the image"
  docker run --rm --entrypoint "/opt/kapacitor-udf/$udf/$udf" "$image" --describe >"$work/$udf.describe" \
    || fail "$udf --describe exited non-zero"
  grep -q '\[udf.functions.' "$work/$udf.describe" || fail "$udf --describe printed no kapacitor.conf table"
done

step "start kapacitord"
docker run -d --name "$container" -p "127.0.0.1:$port:9092" "$image" >/dev/null || fail "docker run"
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/kapacitor/v1/ping" >/dev/null && break
  sleep 1
done
curl -sf "http://127.0.0.1:$port/kapacitor/v1/ping" >/dev/null || fail "kapacitord did not answer /ping within 60 s"

step "define and enable the moving_avg task"
cat >"$work/moving_avg.tick" <<'TICK'
dbrp "telegraf"."autogen"

stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    @movingAverage()
        .field('usage_idle')
        .size(10)
        .as('avg')
    |httpOut('avg')
TICK
docker cp "$work/moving_avg.tick" "$container:/tmp/moving_avg.tick" || fail "docker cp"
docker exec "$container" kapacitor define moving_avg -tick /tmp/moving_avg.tick || fail "kapacitor define"
docker exec "$container" kapacitor enable moving_avg || fail "kapacitor enable"

step "write 12 points"
now=$(date +%s)
for i in $(seq 1 12); do
  curl -sf -XPOST "http://127.0.0.1:$port/kapacitor/v1/write?db=telegraf&rp=autogen" \
    --data-binary "cpu,host=serverA usage_idle=$((i * 10)) $(( (now + i) * 1000000000 ))" || fail "write of point $i"
done

step "read the last average from httpOut"
avg=
for _ in $(seq 1 30); do
  body=$(curl -sf "http://127.0.0.1:$port/kapacitor/v1/tasks/moving_avg/avg" || true)
  avg=$(printf '%s' "$body" | python3 -c 'import json,sys
try:
    s = json.load(sys.stdin)["series"][0]
    v = float(s["values"][-1][s["columns"].index("avg")])
    print("75" if abs(v - 75) < 1e-9 else v)
except Exception:
    pass')
  [ "$avg" = "75" ] && break
  sleep 1
done
[ "$avg" = "75" ] || fail "the last average is '${avg:-none}', not 75 (httpOut: ${body:-empty})"
docker exec "$container" kapacitor show moving_avg | grep -q 'enabled' || fail "the task is not enabled"

step "ok: the last average is 75"
