;; sum.wat — the example WASM capability: sums the integers in its JSON input.
;; ABI (docs/WASM.md): the host calls alloc(len) for the input, writes the UTF-8 JSON there, calls
;; sum(ptr, len) and reads the result at (ptr << 32 | len) of the returned i64.
;;   {"xs":[1,2,3]} -> {"sum":6}       (every integer in the input counts, "-" makes it negative)
;; Build: wat2wasm sum.wat -o sum.wasm
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"sum\":")

  ;; alloc(len) -> ptr: one input per call, always at 1024, with room after it for the result;
  ;; grows memory when needed (a failed grow leaves it small: the host's bounds check refuses).
  (func (export "alloc") (param $len i32) (result i32)
    (local $need i32)
    (local.set $need (i32.add (i32.add (local.get $len) (i32.const 1024)) (i32.const 64)))
    (if (i32.gt_u (local.get $need) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (drop (memory.grow
          (i32.add (i32.const 1)
            (i32.div_u (i32.sub (local.get $need) (i32.mul (memory.size) (i32.const 65536)))
                       (i32.const 65536)))))))
    (i32.const 1024))

  (func $digits (param $n i64) (result i32)
    (local $d i32)
    (local.set $d (i32.const 1))
    (block $done
      (loop $more
        (br_if $done (i64.lt_u (local.get $n) (i64.const 10)))
        (local.set $n (i64.div_u (local.get $n) (i64.const 10)))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $more)))
    (local.get $d))

  (func (export "sum") (param $ptr i32) (param $len i32) (result i64)
    (local $i i32) (local $end i32) (local $c i32) (local $in i32) (local $neg i32)
    (local $cur i64) (local $acc i64) (local $out i32) (local $o i32) (local $n i64) (local $d i32)
    (local.set $i (local.get $ptr))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $scan
        (if (i32.ge_u (local.get $i) (local.get $end))
          (then (local.set $c (i32.const 32)))
          (else (local.set $c (i32.load8_u (local.get $i)))))
        (if (i32.and (i32.ge_u (local.get $c) (i32.const 48)) (i32.le_u (local.get $c) (i32.const 57)))
          (then
            (local.set $cur (i64.add (i64.mul (local.get $cur) (i64.const 10))
                                     (i64.extend_i32_u (i32.sub (local.get $c) (i32.const 48)))))
            (local.set $in (i32.const 1)))
          (else
            (if (local.get $in)
              (then
                (if (local.get $neg)
                  (then (local.set $acc (i64.sub (local.get $acc) (local.get $cur))))
                  (else (local.set $acc (i64.add (local.get $acc) (local.get $cur)))))))
            (local.set $in (i32.const 0))
            (local.set $cur (i64.const 0))
            (local.set $neg (i32.eq (local.get $c) (i32.const 45)))))
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scan)))
    ;; the result {"sum":N} right after the input
    (local.set $out (local.get $end))
    (memory.copy (local.get $out) (i32.const 0) (i32.const 7))
    (local.set $o (i32.add (local.get $out) (i32.const 7)))
    (local.set $n (local.get $acc))
    (if (i64.lt_s (local.get $acc) (i64.const 0))
      (then
        (i32.store8 (local.get $o) (i32.const 45))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (local.set $n (i64.sub (i64.const 0) (local.get $acc)))))
    (local.set $d (call $digits (local.get $n)))
    (local.set $i (i32.add (local.get $o) (local.get $d)))
    (i32.store8 (local.get $i) (i32.const 125))
    (block $written
      (loop $write
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (i32.store8 (local.get $i)
          (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $n) (i64.const 10)))))
        (local.set $n (i64.div_u (local.get $n) (i64.const 10)))
        (br_if $written (i32.le_u (local.get $i) (local.get $o)))
        (br $write)))
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $out)) (i64.const 32))
      (i64.extend_i32_u (i32.sub (i32.add (local.get $o) (i32.add (local.get $d) (i32.const 1)))
                                 (local.get $out))))))
