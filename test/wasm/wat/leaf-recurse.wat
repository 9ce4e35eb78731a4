;; Recurses without end, calling a leaf (which the fast variant inlines and
;; which is never counted) right before each recursive call: only the
;; call-depth counter stops it, at the same call in both variants.
(module
  (memory (export "memory") 1)
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $f (param i32) (result i32) (call $f (call $inc (local.get 0))))
  (func (export "_start") (drop (call $f (i32.const 0)))))
