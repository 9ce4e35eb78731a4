;; Recurses without end: only the call-depth counter stops it. Each frame has a few locals.
(module
  (memory (export "memory") 1)
  (func $f (param i32) (result i32) (local i64 f64)
    (i32.add (call $f (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "_start") (drop (call $f (i32.const 0)))))
