;; noalloc.wat — test fixture: memory but no alloc export.
(module
  (memory (export "memory") 1)
  (func (export "f") (param i32 i32) (result i64) (i64.const 0)))
