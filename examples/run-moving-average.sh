#!/usr/bin/env bash
# The moving-average UDF end to end, with nothing but the .NET SDK: build the UDF and the simulator, then let the
# simulator play Kapacitor exactly as kapacitord would: spawn the UDF for the Info probe, spawn it again for the
# task, send Init with .field('value').size(10).as('avg'), stream Kapacitor's own integration-test points
# (examples/data/moving_avg.lp, grouped by the 'group' tag), keep it alive, close its input and wait for it to exit.
# The averages come out as line protocol on stdout; the simulator's verdict comes on stderr.
# It runs the JIT build: a fresh clone needs only the .NET SDK for it, and it builds in seconds. The native executable
# (dotnet publish examples/MovingAverage -c Release, needs gcc or clang) speaks exactly the same protocol; CI drives both.
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build examples/MovingAverage -c Release -nologo -v quiet -tl:off
dotnet build src/Kapacitor.Udf.Simulator -c Release -nologo -v quiet -tl:off

dotnet src/Kapacitor.Udf.Simulator/bin/Release/net10.0/Kapacitor.Udf.Simulator.dll run \
  --input examples/data/moving_avg.lp --group-by group \
  --opt "field('value')" --opt "size(10)" --opt "as('avg')" \
  -- examples/MovingAverage/bin/Release/net10.0/MovingAverage
