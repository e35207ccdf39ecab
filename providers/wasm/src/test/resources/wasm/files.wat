;; files.wat — test fixture: a WASI command that creates "written.txt" (holding 1) in its first
;; preopened directory (fd 3), then copies the file named by its input (a JSON string) to stdout;
;; exits 100 + errno when that file cannot be opened.
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 300) "written.txt")
  (data (i32.const 320) "1")
  ;; copies fd $from to fd $to until end of file
  (func $copy (param $from i32) (param $to i32)
    (block $eof
      (loop $more
        (i32.store (i32.const 0) (i32.const 1024))
        (i32.store (i32.const 4) (i32.const 4096))
        (drop (call $fd_read (local.get $from) (i32.const 0) (i32.const 1) (i32.const 16)))
        (br_if $eof (i32.eqz (i32.load (i32.const 16))))
        (i32.store (i32.const 4) (i32.load (i32.const 16)))
        (drop (call $fd_write (local.get $to) (i32.const 0) (i32.const 1) (i32.const 16)))
        (br $more))))
  (func (export "_start")
    (local $n i32) (local $err i32)
    (i32.store (i32.const 0) (i32.const 512))
    (i32.store (i32.const 4) (i32.const 256))
    (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 16)))
    (local.set $n (i32.load (i32.const 16)))
    (if (i32.eqz (call $path_open (i32.const 3) (i32.const 0) (i32.const 300) (i32.const 11)
                   (i32.const 1) (i64.const 0x1fffffff) (i64.const 0x1fffffff) (i32.const 0)
                   (i32.const 400)))
      (then
        (i32.store (i32.const 0) (i32.const 320))
        (i32.store (i32.const 4) (i32.const 1))
        (drop (call $fd_write (i32.load (i32.const 400)) (i32.const 0) (i32.const 1) (i32.const 16)))))
    (local.set $err
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 513) (i32.sub (local.get $n) (i32.const 2))
        (i32.const 0) (i64.const 0x1fffffff) (i64.const 0x1fffffff) (i32.const 0) (i32.const 400)))
    (if (local.get $err) (then (call $proc_exit (i32.add (i32.const 100) (local.get $err)))))
    (call $copy (i32.load (i32.const 400)) (i32.const 1))))
