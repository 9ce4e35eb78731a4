#!/bin/sh
# Builds the differential corpus: one C program under several flag sets so the
# rewriter sees what compilers emit (-O0 stack-heavy code, -O2, and -O3 with
# SIMD, bulk memory, saturating conversions and sign extension). Needs clang,
# lld, wasi-libc and libclang-rt-14-dev-wasm32 from Debian; the .wasm are committed.
set -eu
cd "$(dirname "$0")"
command -v clang >/dev/null || { echo "clang not found: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32" >&2; exit 1; }
cc() { clang --target=wasm32-wasi -Wl,--strip-all "$@" -lm; }
cc -O0 -o mix-O0.wasm mix.c
cc -O2 -o mix-O2.wasm mix.c
cc -O3 -msimd128 -mbulk-memory -mnontrapping-fptoint -msign-ext -o mix-O3-simd.wasm mix.c
