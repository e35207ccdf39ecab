;; big.wat — test fixture: declares 32 initial pages (2 MiB), more than a cap of 16.
(module
  (memory (export "memory") 32)
  (func (export "alloc") (param i32) (result i32) (i32.const 0))
  (func (export "f") (param i32 i32) (result i64) (i64.const 0)))
