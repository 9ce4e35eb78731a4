;; Counts down from 10, then hits unreachable. Fuel: 2 + 10 * 6 = 62.
(module
  (memory (export "memory") 1)
  (func (export "_start") (local i32)
    (local.set 0 (i32.const 10))
    (loop $l
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0)))
    unreachable))
