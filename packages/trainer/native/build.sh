#!/bin/sh
# Rebuilds the wasm kernels from their C sources into the directory given (default: this one).
# Debian 12: apt-get install clang-14 lld-14 (pinned: another clang may emit other bytes). The .wasm files
# are committed so that installing twinflow needs no compiler; test/backend-native.test.ts rebuilds them and
# checks that they match byte for byte.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here}"
for src in "$here"/*.c; do
  name="$(basename "$src" .c)"
  clang-14 --target=wasm32 -O3 -msimd128 -matomics -mbulk-memory -nostdlib -ffreestanding \
    -Wl,--no-entry -Wl,--import-memory -Wl,--shared-memory -Wl,--max-memory=4294967296 \
    -Wl,--export=__heap_base -Wl,--strip-all \
    -o "$out/$name.wasm" "$src"
done
