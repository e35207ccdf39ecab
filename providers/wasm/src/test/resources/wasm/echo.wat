;; echo.wat — test fixture: a WASI command module copying stdin to stdout.
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; iovec at 0: buffer at 64, 4096 bytes; the count read or written at 16
  (func (export "_start")
    (block $eof
      (loop $more
        (i32.store (i32.const 0) (i32.const 64))
        (i32.store (i32.const 4) (i32.const 4096))
        (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 16)))
        (br_if $eof (i32.eqz (i32.load (i32.const 16))))
        (i32.store (i32.const 4) (i32.load (i32.const 16)))
        (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
        (br $more)))))
