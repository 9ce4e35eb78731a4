;; Loops forever: only fuel stops it.
(module
  (memory (export "memory") 1)
  (func (export "_start") (loop $l (br $l))))
