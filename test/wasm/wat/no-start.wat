;; A library, not a command: refused.
(module
  (memory (export "memory") 1)
  (func (export "run")))
