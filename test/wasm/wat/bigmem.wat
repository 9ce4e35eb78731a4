;; Starts with 512 MiB of memory: over the default limit.
(module
  (memory (export "memory") 8192)
  (func (export "_start")))
