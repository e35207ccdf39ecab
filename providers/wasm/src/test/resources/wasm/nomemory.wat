;; nomemory.wat — test fixture: alloc and f but no exported memory.
(module
  (func (export "alloc") (param i32) (result i32) (i32.const 0))
  (func (export "f") (param i32 i32) (result i64) (i64.const 0)))
