#!/bin/sh
# Rebuilds the hand-written test modules; needs wabt (apt-get install wabt).
set -eu
cd "$(dirname "$0")"
command -v wat2wasm >/dev/null || { echo "wat2wasm not found: apt-get install wabt" >&2; exit 1; }
for f in *.wat; do
  case "$f" in
    atomics.wat) wat2wasm --enable-threads "$f" -o "${f%.wat}.wasm" ;;
    relaxed.wat) wat2wasm --enable-relaxed-simd "$f" -o "${f%.wat}.wasm" ;;
    *) wat2wasm "$f" -o "${f%.wat}.wasm" ;;
  esac
done
