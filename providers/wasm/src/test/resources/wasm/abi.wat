;; abi.wat — test fixture: well- and badly-behaved functions of the export-function ABI.
;; Build: wat2wasm abi.wat -o abi.wasm
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "not json")
  (data (i32.const 8) "\ff\fe")
  (data (i32.const 16) "{\"grew\":true}")
  (data (i32.const 32) "{\"grew\":false}")

  (func (export "alloc") (param $len i32) (result i32)
    (local $need i32)
    (local.set $need (i32.add (local.get $len) (i32.const 1024)))
    (if (i32.gt_u (local.get $need) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (drop (memory.grow
          (i32.add (i32.const 1)
            (i32.div_u (i32.sub (local.get $need) (i32.mul (memory.size) (i32.const 65536)))
                       (i32.const 65536)))))))
    (i32.const 1024))

  (func $span (param $ptr i32) (param $len i32) (result i64)
    (i64.or (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32))
            (i64.extend_i32_u (local.get $len))))

  ;; the input, as it is (also exported as "sum", so that a test can swap it for sum.wasm)
  (func $echo (export "echo") (param $ptr i32) (param $len i32) (result i64)
    (call $span (local.get $ptr) (local.get $len)))
  ;; never returns
  (func (export "spin") (param $ptr i32) (param $len i32) (result i64)
    (loop $forever (br $forever))
    (i64.const 0))
  ;; recurses without end: the call stack runs out
  (func $recurse (export "recurse") (param $ptr i32) (param $len i32) (result i64)
    (call $recurse (local.get $ptr) (local.get $len)))
  ;; traps
  (func (export "trap") (param $ptr i32) (param $len i32) (result i64)
    unreachable)
  ;; a region past the end of memory
  (func (export "oob") (param $ptr i32) (param $len i32) (result i64)
    (call $span (i32.const 65000) (i32.const 1000)))
  ;; a region whose end overflows 32 bits
  (func (export "wrap") (param $ptr i32) (param $len i32) (result i64)
    (call $span (i32.const 0x7ffffff0) (i32.const 0x7ffffff0)))
  ;; bytes that are not UTF-8
  (func (export "badutf8") (param $ptr i32) (param $len i32) (result i64)
    (call $span (i32.const 8) (i32.const 2)))
  ;; text that is not JSON
  (func (export "badjson") (param $ptr i32) (param $len i32) (result i64)
    (call $span (i32.const 0) (i32.const 8)))
  ;; a whole page
  (func (export "huge") (param $ptr i32) (param $len i32) (result i64)
    (call $span (i32.const 0) (i32.const 65536)))
  ;; asks for 100 more pages: {"grew":true} or {"grew":false}
  (func (export "grow") (param $ptr i32) (param $len i32) (result i64)
    (if (result i64) (i32.eq (memory.grow (i32.const 100)) (i32.const -1))
      (then (call $span (i32.const 32) (i32.const 14)))
      (else (call $span (i32.const 16) (i32.const 13)))))
  ;; not the ABI's signature
  (func (export "wrongsig") (param $x i32) (result i32)
    (local.get $x))
  (export "sum" (func $echo))
  (global (export "notfunc") i32 (i32.const 0)))
