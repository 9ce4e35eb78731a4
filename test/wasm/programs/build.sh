#!/bin/sh
# Builds the runtime's test programs; needs clang, lld, wasi-libc and
# libclang-rt-14-dev-wasm32 from Debian. The .wasm files are committed.
set -eu
cd "$(dirname "$0")"
command -v clang >/dev/null || { echo "clang not found: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32" >&2; exit 1; }
for f in *.c; do
  # hostile walks input trees thousands of directories deep: it needs more than the default 64 KiB of C stack
  extra=""; [ "$f" = hostile.c ] && extra="-Wl,-z,stack-size=8388608"
  clang --target=wasm32-wasi -O2 -Wl,--strip-all $extra -o "${f%.c}.wasm" "$f"
done
