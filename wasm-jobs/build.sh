#!/bin/sh
# Builds the example jobs for wasm32-wasip1 with Debian's clang, lld,
# wasi-libc and libclang-rt-14-dev-wasm32 (apt-get install clang lld wasi-libc
# libclang-rt-14-dev-wasm32). The built .wasm files are committed: dcx and its
# tests do not need a compiler.
set -eu
cd "$(dirname "$0")"
command -v clang >/dev/null || { echo "clang not found: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32" >&2; exit 1; }
for job in wordcount grep groupby sha256sum regress wcmap wcreduce gbmap gbreduce; do
  clang --target=wasm32-wasi -O2 -Wall -Wl,--strip-all -o "$job.wasm" "$job.c" -lm
done
ls -l ./*.wasm
