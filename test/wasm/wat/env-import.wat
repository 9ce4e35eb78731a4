;; Imports a function that is not WASI: refused at validation.
(module
  (import "env" "foo" (func))
  (memory (export "memory") 1)
  (func (export "_start") (call 0)))
