;; Calls small straight-line leaf functions, which the fast variant inlines:
;; in a loop, back to back, nested, first thing in a function, with no
;; params and no code, with float results that reach a store (NaN
;; canonicalization), with two results, touching a global and memory. The
;; export `work` returns a checksum; `trap` divides by zero inside a leaf;
;; `_start` writes the checksum and the stored double to stdout.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $g (mut i32) (i32.const 7))
  (func $lower (param i32) (result i32)
    (select (i32.or (local.get 0) (i32.const 32)) (local.get 0)
      (i32.lt_u (i32.add (local.get 0) (i32.const -65)) (i32.const 26))))
  (func $nothing)
  (func $div (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func $quot (param f64 f64) (result f64) (f64.div (local.get 0) (local.get 1)))
  (func $pair (param i64 i32) (result i32 i64)
    (i32.add (i32.wrap_i64 (local.get 0)) (local.get 1))
    (i64.mul (local.get 0) (i64.extend_i32_u (local.get 1))))
  (func $bump (param i32)
    (global.set $g (i32.add (global.get $g) (i32.load8_u offset=600 (local.get 0))))
    (i32.store8 offset=600 (local.get 0) (i32.add (local.get 0) (i32.const 3))))
  (func $first (param i32) (result i32) (call $lower (local.get 0)))
  (func $work (export "work") (result i32) (local $i i32) (local $acc i32) (local $w i64)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $lower (call $lower (i32.add (i32.const 60) (local.get $i))))))
      (call $nothing)
      (call $bump (local.get $i))
      (call $bump (i32.and (local.get $i) (i32.const 3)))
      (local.set $acc (i32.add (local.get $acc) (call $div (i32.const 1000) (i32.add (local.get $i) (i32.const 1)))))
      (local.set $acc (i32.xor (local.get $acc) (call $first (local.get $i))))
      (f64.store (i32.const 512) (call $quot (f64.convert_i32_s (local.get $i)) (f64.const 0)))
      (call $pair (i64.const 5) (local.get $i))
      (local.set $w)
      (local.set $acc (i32.add (local.get $acc)))
      (local.set $acc (i32.add (local.get $acc) (i32.wrap_i64 (local.get $w))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 8))))
    (i32.add (local.get $acc) (global.get $g)))
  (func (export "trap") (drop (call $work)) (drop (call $div (i32.const 1) (i32.const 0))))
  (func (export "_start")
    (i32.store (i32.const 520) (call $work))
    (i32.store (i32.const 0) (i32.const 512))
    (i32.store (i32.const 4) (i32.const 12))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
