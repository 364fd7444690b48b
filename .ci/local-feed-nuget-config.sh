#!/usr/bin/env bash
# Prints a nuget.config that takes Kapacitor.Udf* only from the package folder $1 (the packages just made) and
# everything else (xunit, Google.Protobuf, ...) from nuget.org: a user's setup, with no other source able to stand in
# for the fresh packages. Used by .ci/pack-roundtrip.sh and .ci/doc-tests/run.sh.
set -euo pipefail
cat <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$1" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local">
      <package pattern="Kapacitor.Udf" />
      <package pattern="Kapacitor.Udf.*" />
    </packageSource>
    <packageSource key="nuget.org">
      <package pattern="*" />
    </packageSource>
  </packageSourceMapping>
</configuration>
CONFIG
