;; Writes the raw bits of NaN-producing operations to stdout, 48 bytes:
;; f32 0/0, f32 sqrt(-1), f64 0/0, f64 inf-inf, f32x4 0/0 (16 bytes), f64 promote(f32 sNaN-ish), f32 demote(f64 NaN).
;; Operands come from memory so nothing can be folded at compile time.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 512) "\00\00\00\00")                     ;; f32 0.0 at 512
  (data (i32.const 520) "\00\00\00\00\00\00\00\00")         ;; f64 0.0 at 520
  (data (i32.const 528) "\00\00\80\bf")                     ;; f32 -1.0 at 528
  (data (i32.const 536) "\00\00\00\00\00\00\f0\7f")         ;; f64 +inf at 536
  (data (i32.const 544) "\01\00\a0\ff")                     ;; f32 NaN with payload, sign set, at 544
  (data (i32.const 552) "\01\00\00\00\00\00\f4\ff")         ;; f64 NaN with payload, sign set, at 552
  (func (export "_start")
    (f32.store (i32.const 64) (f32.div (f32.load (i32.const 512)) (f32.load (i32.const 512))))
    (f32.store (i32.const 68) (f32.sqrt (f32.load (i32.const 528))))
    (f64.store (i32.const 72) (f64.div (f64.load (i32.const 520)) (f64.load (i32.const 520))))
    (f64.store (i32.const 80) (f64.sub (f64.load (i32.const 536)) (f64.load (i32.const 536))))
    (v128.store (i32.const 88) (f32x4.div (v128.load (i32.const 512)) (v128.load (i32.const 512))))
    (f64.store (i32.const 104) (f64.promote_f32 (f32.load (i32.const 544))))
    (f32.store (i32.const 112) (f32.demote_f64 (f64.load (i32.const 552))))
    (f32.store (i32.const 116) (f32.add (f32.load (i32.const 544)) (f32.load (i32.const 512))))
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 56))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
