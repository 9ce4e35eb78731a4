#!/bin/sh
# Builds the runtime's test programs; needs clang, lld, wasi-libc and
# libclang-rt-14-dev-wasm32 from Debian. The .wasm files are committed.
set -eu
cd "$(dirname "$0")"
command -v clang >/dev/null || { echo "clang not found: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32" >&2; exit 1; }
for f in *.c; do clang --target=wasm32-wasi -O2 -Wl,--strip-all -o "${f%.c}.wasm" "$f"; done
