;; Exercises the proposals the rewriter must handle besides MVP, printing a
;; checksum line: multi-value (functions with several results, blocks with
;; params), reference types (tables of funcref, ref.func, table.get/set/grow/
;; size/fill, typed select), bulk memory and table ops, sign extension,
;; saturating conversions, and return from inside nested blocks.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (table $t 4 16 funcref)
  (elem declare func $sq $neg)
  (data $d "0123456789abcdef")
  (type $binop (func (param i32 i32) (result i32 i32)))

  (func $divmod (type $binop) (local.get 0) (local.get 1) (i32.div_u (local.get 0) (local.get 1)) (i32.rem_u (local.get 0) (local.get 1)) (drop) (drop))
  (func $pair (param i32) (result i32 i64) (local.get 0) (i64.extend_i32_s (local.get 0)))
  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $neg (param i32) (result i32) (i32.sub (i32.const 0) (local.get 0)))
  (func $early (param i32) (result i32 i32)
    (block $b
      (block
        (br_if $b (i32.eqz (local.get 0)))
        (return (i32.const 7) (local.get 0))))
    (i32.const 1) (i32.const 2))

  (func $digit (param $x i64) (param $at i32)
    (i32.store8 (local.get $at) (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $x) (i64.const 10))))))

  (func (export "_start") (local $acc i64) (local $a i32) (local $b i32) (local $i i32)
    ;; multi-value call and block with params
    (call $divmod (i32.const 100) (i32.const 7))
    (local.set $b) (local.set $a)
    (local.set $acc (i64.extend_i32_u (i32.add (local.get $a) (i32.mul (local.get $b) (i32.const 1000)))))
    (call $pair (i32.const -5))
    (local.get $acc) (i64.add) (local.set $acc)
    (i64.extend_i32_s) (local.get $acc) (i64.add) (local.set $acc)
    (i32.const 3) (i32.const 4)
    (block (param i32 i32) (result i32) (i32.add))
    (i64.extend_i32_u) (local.get $acc) (i64.add) (local.set $acc)
    (call $early (i32.const 9)) (i32.add) (i64.extend_i32_u) (local.get $acc) (i64.add) (local.set $acc)
    (call $early (i32.const 0)) (i32.add) (i64.extend_i32_u) (local.get $acc) (i64.add) (local.set $acc)
    ;; reference types and table ops
    (table.set $t (i32.const 0) (ref.func $sq))
    (table.set $t (i32.const 1) (ref.func $neg))
    (drop (table.grow $t (ref.null func) (i32.const 2)))
    (table.fill $t (i32.const 2) (ref.func $sq) (i32.const 2))
    (table.copy $t $t (i32.const 4) (i32.const 0) (i32.const 2))
    (local.set $i (i32.const 0))
    (loop $l
      (local.set $acc (i64.add (local.get $acc)
        (i64.extend_i32_s (call_indirect $t (param i32) (result i32) (i32.add (local.get $i) (i32.const 3)) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (table.size $t))))
    (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (ref.is_null (table.get $t (i32.const 5))))))
    (local.set $acc (i64.add (local.get $acc)
      (select (result i64) (i64.const 11) (i64.const 13) (ref.is_null (ref.null extern)))))
    ;; bulk memory
    (memory.init $d (i32.const 200) (i32.const 0) (i32.const 16))
    (data.drop $d)
    (memory.fill (i32.const 300) (i32.const 65) (i32.const 10))
    (memory.copy (i32.const 305) (i32.const 200) (i32.const 8))
    (local.set $acc (i64.add (local.get $acc) (i64.load (i32.const 300))))
    ;; sign extension and saturating conversions
    (local.set $acc (i64.add (local.get $acc) (i64.extend8_s (i64.const 0x80))))
    (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_s (i32.extend16_s (i32.const 0x8001)))))
    (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_s (i32.trunc_sat_f64_s (f64.const 1e20)))))
    (local.set $acc (i64.add (local.get $acc) (i64.trunc_sat_f32_u (f32.const -3.5))))
    ;; print acc as 20 decimal digits
    (local.set $i (i32.const 19))
    (loop $p
      (call $digit (local.get $acc) (i32.add (i32.const 100) (local.get $i)))
      (local.set $acc (i64.div_u (local.get $acc) (i64.const 10)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $p (i32.ge_s (local.get $i) (i32.const 0))))
    (i32.store8 (i32.const 120) (i32.const 10))
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 21))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
