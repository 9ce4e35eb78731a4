#!/bin/sh
# Builds the WASI preview1 conformance programs with Debian's clang, lld,
# wasi-libc and libclang-rt-14-dev-wasm32 (apt-get install clang lld wasi-libc
# libclang-rt-14-dev-wasm32). The built .wasm are committed so tests need no toolchain.
set -eu
cd "$(dirname "$0")"
command -v clang >/dev/null || { echo "clang not found: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32" >&2; exit 1; }
for f in *.c; do clang --target=wasm32-wasi -O2 -Wall -Wno-unused-result -Wl,--strip-all -o "${f%.c}.wasm" "$f"; done
