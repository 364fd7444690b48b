#!/usr/bin/env bash
# Publishes the examples as native executables (native AOT, the examples' default publish) into
# artifacts/native/<Name>/<Name>, where the end-to-end tests run them beside the JIT builds. Needs gcc or clang.
# Each publish is checked: a native executable (no .dll beside it), and no IL warning in the build log.
set -euo pipefail
cd "$(dirname "$0")/.."

for udf in MovingAverage Outliers Mirror; do
  out=artifacts/native/$udf
  rm -rf "$out"
  started=$SECONDS
  log=$(mktemp)
  if ! dotnet publish "examples/$udf" -c Release -o "$out" -nologo -tl:off -warnaserror >"$log" 2>&1; then
    cat "$log"; rm -f "$log"
    echo "publish-native: $udf failed" >&2
    exit 1
  fi
  if grep -Eq 'warning IL[0-9]+' "$log"; then
    grep -E 'warning IL[0-9]+' "$log"; rm -f "$log"
    echo "publish-native: $udf has IL warnings" >&2
    exit 1
  fi
  rm -f "$log"
  test -x "$out/$udf" || { echo "publish-native: no $out/$udf" >&2; exit 1; }
  if [ -e "$out/$udf.dll" ]; then echo "publish-native: $out/$udf.dll: not a native publish" >&2; exit 1; fi
  echo "publish-native: $out/$udf ($(stat -c %s "$out/$udf") bytes, $((SECONDS - started)) s)"
done
