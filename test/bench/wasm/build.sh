#!/bin/sh
# Rebuilds the benchmark workloads; needs Debian's clang, lld, wasi-libc and
# libclang-rt-14-dev-wasm32. The built .wasm files are committed.
set -eu
cd "$(dirname "$0")"
command -v clang >/dev/null || { echo "clang not found: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32" >&2; exit 1; }
for f in int float; do
  clang --target=wasm32-wasi -O2 -Wl,--strip-all -o "$f.wasm" "$f.c" -lm
done
