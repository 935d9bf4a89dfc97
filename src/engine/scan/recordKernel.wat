;; The fast lane of the query scan (see recordKernel.ts): one plain record, its fields split, its
;; title and location trimmed, hashed and flagged exactly as scanRecords + FieldBytes.read do.
;; Anything else returns -1 and is left to them: an empty line, a lone CR, a line break inside
;; quotes, a doubled quote, text after a closing quote, a record cut by the end of the bytes,
;; too few fields, a non-ASCII byte under `lower`.
;; Assembled by `npm run build:wasm` (wabt) into recordKernel.wasm.ts.
(module
  (import "heap" "memory" (memory 0))

  ;; The width of the non-ASCII space trimText removes that starts at i and ends by e, or 0: 2 for
  ;; NBSP (C2 A0), 3 for U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF
  ;; (fieldBytes.ts' spaceWidthAt). Called only for a byte >= 0x80 at a field's edge.
  (func $wideSpace (param $i i32) (param $e i32) (result i32)
    (local $b i32) (local $c i32)
    (local.set $b (i32.load8_u (local.get $i)))
    (if (i32.eq (local.get $b) (i32.const 0xc2)) (then
      (if (i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $e)) (then (return (i32.const 0))))
      (return (select (i32.const 2) (i32.const 0) (i32.eq (i32.load8_u offset=1 (local.get $i)) (i32.const 0xa0))))))
    (if (i32.gt_u (i32.add (local.get $i) (i32.const 3)) (local.get $e)) (then (return (i32.const 0))))
    ;; the two bytes after the lead byte, as one number: E2 80 AF -> 0x80af
    (local.set $c (i32.or (i32.shl (i32.load8_u offset=1 (local.get $i)) (i32.const 8))
                          (i32.load8_u offset=2 (local.get $i))))
    (if (i32.eq (local.get $b) (i32.const 0xe1)) (then
      (return (select (i32.const 3) (i32.const 0) (i32.eq (local.get $c) (i32.const 0x9a80))))))
    (if (i32.eq (local.get $b) (i32.const 0xe2)) (then
      (return (select (i32.const 3) (i32.const 0)
        (i32.or (i32.or (i32.le_u (i32.sub (local.get $c) (i32.const 0x8080)) (i32.const 10))
                        (i32.le_u (i32.sub (local.get $c) (i32.const 0x80a8)) (i32.const 1)))
                (i32.or (i32.eq (local.get $c) (i32.const 0x80af)) (i32.eq (local.get $c) (i32.const 0x819f))))))))
    (if (i32.eq (local.get $b) (i32.const 0xe3)) (then
      (return (select (i32.const 3) (i32.const 0) (i32.eq (local.get $c) (i32.const 0x8080))))))
    (if (i32.eq (local.get $b) (i32.const 0xef)) (then
      (return (select (i32.const 3) (i32.const 0) (i32.eq (local.get $c) (i32.const 0xbbbf))))))
    (i32.const 0))

  ;; FieldBytes.read of the bytes s .. e: writes start, end, hash, flags at `at`; returns 1 when
  ;; only the decoded text can tell (a non-ASCII byte under `lower`), else 0.
  ;; byteTable's helpers (lowerWord, mixWord, finishHash) are written out in place: Node 20's V8
  ;; does not inline calls between WebAssembly functions, and a call per word cost more than the
  ;; field's whole scan. The bytes are read in whole words and 16-byte blocks, never one at a time
  ;; (a loop over the last 0 to 3 bytes, its length different for each field, cost ~9 ns a record).
  (func $field (param $s i32) (param $e i32) (param $lower i32) (param $at i32) (result i32)
    (local $b i32) (local $w i32) (local $h i32) (local $k i32) (local $tail i32) (local $marks i32)
    (local $high i32) (local $flags i32) (local $length i32) (local $n i32) (local $p i32) (local $keep i32)
    (local $whole i32) (local $low i32) (local $v v128)
    ;; trim the spaces that trimText removes: 0x20, 0x09..0x0d, and the wide ones ($wideSpace)
    (block $trimmed (loop $front
      (br_if $trimmed (i32.ge_u (local.get $s) (local.get $e)))
      (local.set $b (i32.load8_u (local.get $s)))
      (if (i32.or (i32.eq (local.get $b) (i32.const 0x20)) (i32.lt_u (i32.sub (local.get $b) (i32.const 0x09)) (i32.const 5)))
        (then (local.set $s (i32.add (local.get $s) (i32.const 1))) (br $front)))
      (br_if $trimmed (i32.lt_u (local.get $b) (i32.const 0x80)))
      (local.set $n (call $wideSpace (local.get $s) (local.get $e)))
      (br_if $trimmed (i32.eqz (local.get $n)))
      (local.set $s (i32.add (local.get $s) (local.get $n)))
      (br $front)))
    (block $trimmed (loop $back
      (br_if $trimmed (i32.ge_u (local.get $s) (local.get $e)))
      (local.set $b (i32.load8_u (i32.sub (local.get $e) (i32.const 1))))
      (if (i32.or (i32.eq (local.get $b) (i32.const 0x20)) (i32.lt_u (i32.sub (local.get $b) (i32.const 0x09)) (i32.const 5)))
        (then (local.set $e (i32.sub (local.get $e) (i32.const 1))) (br $back)))
      (br_if $trimmed (i32.lt_u (local.get $b) (i32.const 0x80)))
      ;; a space's lead byte is never a continuation byte: try 2 bytes back, then 3
      (if (i32.ge_u (i32.sub (local.get $e) (local.get $s)) (i32.const 2)) (then
        (if (i32.eq (call $wideSpace (i32.sub (local.get $e) (i32.const 2)) (local.get $e)) (i32.const 2)) (then
          (local.set $e (i32.sub (local.get $e) (i32.const 2)))
          (br $back)))))
      (br_if $trimmed (i32.lt_u (i32.sub (local.get $e) (local.get $s)) (i32.const 3)))
      (br_if $trimmed (i32.ne (call $wideSpace (i32.sub (local.get $e) (i32.const 3)) (local.get $e)) (i32.const 3)))
      (local.set $e (i32.sub (local.get $e) (i32.const 3)))
      (br $back)))
    (if (i32.lt_u (local.get $s) (local.get $e)) (then
      (local.set $b (i32.load8_u (local.get $s)))
      ;; = + - @ : a formula
      (if (i32.or (i32.or (i32.eq (local.get $b) (i32.const 0x3d)) (i32.eq (local.get $b) (i32.const 0x2b)))
                  (i32.or (i32.eq (local.get $b) (i32.const 0x2d)) (i32.eq (local.get $b) (i32.const 0x40))))
        (then (local.set $flags (i32.const 4))))))
    ;; the marks (a comma, quote, LF or CR: CSV output must quote the field) and high bits
    ;; (non-ASCII) of bytes s .. e, 16 at a time: whole blocks from s, then the 16 bytes that end
    ;; at e, their lanes before the first byte not yet seen masked off. The bytes lie at heap
    ;; offset 16 or more (RecordKernel.scan), so e - 16 is in the heap; no byte after e is read.
    (i32.store (local.get $at) (local.get $s))
    (i32.store offset=4 (local.get $at) (local.get $e))
    (local.set $length (i32.sub (local.get $e) (local.get $s)))
    (local.set $p (local.get $s))
    (loop $block
      ;; the 16 bytes from p or, with fewer left, the 16 that end at e (lanes 16 - (e - p) .. 15 the
      ;; bytes not yet seen)
      (local.set $whole (i32.le_u (i32.add (local.get $p) (i32.const 16)) (local.get $e)))
      (local.set $v (v128.load align=1 (select (local.get $p) (i32.sub (local.get $e) (i32.const 16)) (local.get $whole))))
      (local.set $keep (select (i32.const 0xffff)
        (i32.and (i32.const 0xffff) (i32.xor (i32.sub (i32.shl (i32.const 1) (i32.sub (i32.const 16) (i32.sub (local.get $e) (local.get $p)))) (i32.const 1)) (i32.const -1)))
        (local.get $whole)))
      (local.set $marks (i32.or (local.get $marks) (i32.and (local.get $keep) (i8x16.bitmask
        (v128.or (v128.or (i8x16.eq (local.get $v) (v128.const i32x4 0x2c2c2c2c 0x2c2c2c2c 0x2c2c2c2c 0x2c2c2c2c))
                          (i8x16.eq (local.get $v) (v128.const i32x4 0x22222222 0x22222222 0x22222222 0x22222222)))
                 (v128.or (i8x16.eq (local.get $v) (v128.const i32x4 0x0a0a0a0a 0x0a0a0a0a 0x0a0a0a0a 0x0a0a0a0a))
                          (i8x16.eq (local.get $v) (v128.const i32x4 0x0d0d0d0d 0x0d0d0d0d 0x0d0d0d0d 0x0d0d0d0d))))))))
      (local.set $high (i32.or (local.get $high) (i32.and (local.get $keep) (i8x16.bitmask (local.get $v)))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br_if $block (i32.lt_u (local.get $p) (local.get $e))))
    (if (i32.and (local.get $lower) (i32.ne (local.get $high) (i32.const 0))) (then (return (i32.const 1))))
    ;; the hash: murmur3's block step on each whole word, then the last length & 3 bytes, taken
    ;; from the word that ends at e (its other bytes shifted out)
    (local.set $h (i32.const 0x2c8f3b1d))
    (block $words (loop $word
      (br_if $words (i32.gt_u (i32.add (local.get $s) (i32.const 4)) (local.get $e)))
      (local.set $w (i32.load align=1 (local.get $s)))
      (if (local.get $lower) (then
        ;; lowerWord
        (local.set $low (i32.and (local.get $w) (i32.const 0x7f7f7f7f)))
        (local.set $w (i32.or (local.get $w)
          (i32.shr_u
            (i32.and
              (i32.and (i32.add (local.get $low) (i32.const 0x3f3f3f3f))
                       (i32.xor (i32.add (local.get $low) (i32.const 0x25252525)) (i32.const -1)))
              (i32.and (i32.xor (local.get $w) (i32.const -1)) (i32.const 0x80808080)))
            (i32.const 2))))))
      ;; mixWord
      (local.set $k (i32.mul (i32.rotl (i32.mul (local.get $w) (i32.const 0xcc9e2d51)) (i32.const 15)) (i32.const 0x1b873593)))
      (local.set $h (i32.add (i32.mul (i32.rotl (i32.xor (local.get $h) (local.get $k)) (i32.const 13)) (i32.const 5)) (i32.const 0xe6546b64)))
      (local.set $s (i32.add (local.get $s) (i32.const 4)))
      (br $word)))
    ;; finishHash
    (local.set $n (i32.and (local.get $length) (i32.const 3)))
    (if (local.get $n) (then
      (local.set $tail (i32.shr_u (i32.load align=1 (i32.sub (local.get $e) (i32.const 4))) (i32.sub (i32.const 32) (i32.shl (local.get $n) (i32.const 3)))))
      (if (local.get $lower) (then
        (local.set $w (local.get $tail))
        (local.set $low (i32.and (local.get $w) (i32.const 0x7f7f7f7f)))
        (local.set $tail (i32.or (local.get $w)
          (i32.shr_u
            (i32.and
              (i32.and (i32.add (local.get $low) (i32.const 0x3f3f3f3f))
                       (i32.xor (i32.add (local.get $low) (i32.const 0x25252525)) (i32.const -1)))
              (i32.and (i32.xor (local.get $w) (i32.const -1)) (i32.const 0x80808080)))
            (i32.const 2))))))
      (local.set $k (i32.mul (local.get $tail) (i32.const 0xcc9e2d51)))
      (local.set $h (i32.xor (local.get $h)
        (i32.mul (i32.rotl (local.get $k) (i32.const 15)) (i32.const 0x1b873593))))))
    (local.set $h (i32.xor (local.get $h) (local.get $length)))
    (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))) (i32.const 0x85ebca6b)))
    (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))) (i32.const 0xc2b2ae35)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
    (i32.store offset=8 (local.get $at) (local.get $h))
    (i32.store offset=12 (local.get $at)
      (i32.or (local.get $flags) (select (i32.const 2) (i32.const 0) (i32.ne (local.get $marks) (i32.const 0)))))
    (i32.const 0))

  ;; The record that starts at `pos` (bytes pos .. to are valid): writes at `out` start, end, hash,
  ;; flags of field titleCol, then of field locationCol; returns the offset after its line
  ;; terminator, or -1 for scanRecords to take it.
  (func $record (export "record")
    (param $pos i32) (param $to i32) (param $delimiter i32) (param $quote i32)
    (param $titleCol i32) (param $locationCol i32) (param $lower i32) (param $out i32) (result i32)
    (local $i i32) (local $b i32) (local $s i32) (local $e i32) (local $fields i32) (local $m i32)
    (local $v v128) (local $delimiters v128) (local $quotes v128) (local $lfs v128) (local $crs v128)
    (local.set $delimiters (i8x16.splat (local.get $delimiter)))
    (local.set $quotes (i8x16.splat (local.get $quote)))
    (local.set $lfs (i8x16.splat (i32.const 0x0a)))
    (local.set $crs (i8x16.splat (i32.const 0x0d)))
    (local.set $i (local.get $pos))
    (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const -1))))
    (local.set $b (i32.load8_u (local.get $i)))
    (if (i32.or (i32.eq (local.get $b) (i32.const 0x0a)) (i32.eq (local.get $b) (i32.const 0x0d)))
      (then (return (i32.const -1))))
    (loop $next
      (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const -1))))
      (local.set $b (i32.load8_u (local.get $i)))
      (if (i32.eq (local.get $b) (local.get $quote))
        (then
          ;; quoted: the content runs to the next quote
          (local.set $s (i32.add (local.get $i) (i32.const 1)))
          (local.set $e (local.get $s))
          (block $closed (loop $inside
            ;; 16 bytes at a time to the first quote, LF or CR (reading past `to` stays in the heap)
            (if (i32.le_u (i32.add (local.get $e) (i32.const 16)) (local.get $to)) (then
              (local.set $v (v128.load align=1 (local.get $e)))
              (local.set $m (i8x16.bitmask (v128.or (i8x16.eq (local.get $v) (local.get $quotes))
                (v128.or (i8x16.eq (local.get $v) (local.get $lfs)) (i8x16.eq (local.get $v) (local.get $crs))))))
              (if (i32.eqz (local.get $m)) (then
                (local.set $e (i32.add (local.get $e) (i32.const 16)))
                (br $inside)))
              (local.set $e (i32.add (local.get $e) (i32.ctz (local.get $m))))))
            (if (i32.ge_u (local.get $e) (local.get $to)) (then (return (i32.const -1))))
            (local.set $b (i32.load8_u (local.get $e)))
            (br_if $closed (i32.eq (local.get $b) (local.get $quote)))
            (if (i32.or (i32.eq (local.get $b) (i32.const 0x0a)) (i32.eq (local.get $b) (i32.const 0x0d)))
              (then (return (i32.const -1))))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $inside)))
          (local.set $i (i32.add (local.get $e) (i32.const 1)))
          (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const -1))))
          (local.set $b (i32.load8_u (local.get $i)))
          ;; a doubled quote, or text after the closing quote
          (if (i32.and (i32.ne (local.get $b) (local.get $delimiter))
                       (i32.and (i32.ne (local.get $b) (i32.const 0x0a)) (i32.ne (local.get $b) (i32.const 0x0d))))
            (then (return (i32.const -1)))))
        (else
          (local.set $s (local.get $i))
          (block $ended (loop $plain
            ;; 16 bytes at a time to the first delimiter, LF or CR
            (if (i32.le_u (i32.add (local.get $i) (i32.const 16)) (local.get $to)) (then
              (local.set $v (v128.load align=1 (local.get $i)))
              (local.set $m (i8x16.bitmask (v128.or (i8x16.eq (local.get $v) (local.get $delimiters))
                (v128.or (i8x16.eq (local.get $v) (local.get $lfs)) (i8x16.eq (local.get $v) (local.get $crs))))))
              (if (i32.eqz (local.get $m)) (then
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $plain)))
              (local.set $i (i32.add (local.get $i) (i32.ctz (local.get $m))))))
            (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const -1))))
            (local.set $b (i32.load8_u (local.get $i)))
            (br_if $ended (i32.or (i32.eq (local.get $b) (local.get $delimiter))
                                  (i32.or (i32.eq (local.get $b) (i32.const 0x0a)) (i32.eq (local.get $b) (i32.const 0x0d)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $plain)))
          (local.set $e (local.get $i))))
      ;; the field is s .. e; b, at i, ends it
      (if (i32.eq (local.get $fields) (local.get $titleCol)) (then
        (if (call $field (local.get $s) (local.get $e) (local.get $lower) (local.get $out))
          (then (return (i32.const -1))))))
      (if (i32.eq (local.get $fields) (local.get $locationCol)) (then
        (if (call $field (local.get $s) (local.get $e) (i32.const 0) (i32.add (local.get $out) (i32.const 16)))
          (then (return (i32.const -1))))))
      (local.set $fields (i32.add (local.get $fields) (i32.const 1)))
      (if (i32.eq (local.get $b) (local.get $delimiter)) (then
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))
    ;; LF, or CR LF (a lone CR, or a CR at the end of the bytes, is scanRecords' to judge)
    (if (i32.eq (local.get $b) (i32.const 0x0d)) (then
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const -1))))
      (if (i32.ne (i32.load8_u (local.get $i)) (i32.const 0x0a)) (then (return (i32.const -1))))))
    (if (i32.or (i32.ge_u (local.get $titleCol) (local.get $fields)) (i32.ge_u (local.get $locationCol) (local.get $fields)))
      (then (return (i32.const -1))))
    (i32.add (local.get $i) (i32.const 1)))

  ;; Whether bytes s .. e hold a quote (0x22).
  (func $hasQuote (param $s i32) (param $e i32) (result i32)
    (block $none (loop $byte
      (br_if $none (i32.ge_u (local.get $s) (local.get $e)))
      (if (i32.eq (i32.load8_u (local.get $s)) (i32.const 0x22)) (then (return (i32.const 1))))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $byte)))
    (i32.const 0))

  ;; Bytes s .. e copied to `at`, in quotes when `quoted`; returns the end.
  (func $put (param $at i32) (param $s i32) (param $e i32) (param $quoted i32) (result i32)
    (if (local.get $quoted) (then
      (i32.store8 (local.get $at) (i32.const 0x22))
      (local.set $at (i32.add (local.get $at) (i32.const 1)))))
    (memory.copy (local.get $at) (local.get $s) (i32.sub (local.get $e) (local.get $s)))
    (local.set $at (i32.add (local.get $at) (i32.sub (local.get $e) (local.get $s))))
    (if (local.get $quoted) (then
      (i32.store8 (local.get $at) (i32.const 0x22))
      (local.set $at (i32.add (local.get $at) (i32.const 1)))))
    (local.get $at))

  ;; The unmatched lane: records from pos (before stopAt) whose whole output row is known without
  ;; JavaScript are written here, one after another: the location's state is in the prober's
  ;; location table (or it has none: unknown_state), the title is refused by the title filter (or
  ;; the state is unknown), the row's two fields need nothing but quotes around them on output
  ;; (see below) and the tail for its (state, reason) is in the tail table. Returns a status, with
  ;; `out` as for record and, from word 8 of `out`:
  ;;   8: where the status applies (heap offset), 9: for status 1, the end of that record, for
  ;;   status 3, the bytes its row takes,
  ;;   10: the rows written by this call;
  ;; status 0: stopAt reached; 1: the record at word 8 is read (fields at `out`) but not the lane's;
  ;; 2: record declines the record at word 8 (scanRecords'); 3: the output has no room for it.
  ;; The context at $ctx, int32 words (set by the prober, see QueryLane):
  ;;   0 title filter words, 1 its shift; 2 location slots, 3 their mask, 4 their shift,
  ;;   5 location entries, 6 location key bytes; 7 tails: per key (state id + 1) * 4 + reason, the
  ;;   tail's offset and length (0: none yet); 8 the reason of a refused title;
  ;;   9 output start, 10 output length (updated), 11 output capacity;
  ;;   12 rows written with reason 0, 13 with the refused title's reason (both added to).
  (func (export "run")
    (param $pos i32) (param $to i32) (param $stopAt i32) (param $delimiter i32) (param $quote i32)
    (param $titleCol i32) (param $locationCol i32) (param $lower i32) (param $out i32) (param $ctx i32) (result i32)
    (local $next i32) (local $h i32) (local $slot i32) (local $entry i32) (local $key i32)
    (local $length i32) (local $i i32) (local $state i32) (local $reason i32) (local $at i32)
    (local $upto i32) (local $tail i32) (local $tailLength i32) (local $used i32) (local $titleFlags i32) (local $locationFlags i32)
    (local $titleStart i32) (local $titleEnd i32) (local $locationStart i32) (local $locationEnd i32)
    (i32.store offset=40 (local.get $out) (i32.const 0))
    (loop $rows
      (i32.store offset=32 (local.get $out) (local.get $pos))
      (if (i32.ge_u (local.get $pos) (local.get $stopAt)) (then (return (i32.const 0))))
      (local.set $next (call $record (local.get $pos) (local.get $to) (local.get $delimiter) (local.get $quote)
        (local.get $titleCol) (local.get $locationCol) (local.get $lower) (local.get $out)))
      (if (i32.lt_s (local.get $next) (i32.const 0)) (then (return (i32.const 2))))
      (i32.store offset=36 (local.get $out) (local.get $next))
      (local.set $titleStart (i32.load (local.get $out)))
      (local.set $titleEnd (i32.load offset=4 (local.get $out)))
      (local.set $locationStart (i32.load offset=16 (local.get $out)))
      (local.set $locationEnd (i32.load offset=20 (local.get $out)))
      ;; the location's state + 1 (0: none), from the location table
      (local.set $h (i32.load offset=24 (local.get $out)))
      (local.set $length (i32.sub (local.get $locationEnd) (local.get $locationStart)))
      (local.set $slot (i32.shr_u (i32.mul (local.get $h) (i32.const 0x9e3779b1)) (i32.load offset=16 (local.get $ctx))))
      (block $found (loop $probe
        (local.set $at (i32.add (i32.load offset=8 (local.get $ctx)) (i32.shl (local.get $slot) (i32.const 3))))
        (local.set $entry (i32.load offset=4 (local.get $at)))
        (if (i32.eqz (local.get $entry)) (then (return (i32.const 1))))
        (local.set $slot (i32.and (i32.add (local.get $slot) (i32.const 1)) (i32.load offset=12 (local.get $ctx))))
        (br_if $probe (i32.ne (i32.load (local.get $at)) (local.get $h)))
        (local.set $at (i32.add (i32.load offset=20 (local.get $ctx)) (i32.mul (i32.sub (local.get $entry) (i32.const 1)) (i32.const 12))))
        (br_if $probe (i32.ne (i32.load offset=4 (local.get $at)) (local.get $length)))
        (local.set $key (i32.add (i32.load offset=24 (local.get $ctx)) (i32.load (local.get $at))))
        (local.set $i (i32.const 0))
        (block $differ (loop $bytes
          (br_if $found (i32.ge_u (local.get $i) (local.get $length)))
          (br_if $differ (i32.ne (i32.load8_u (i32.add (local.get $key) (local.get $i)))
                                 (i32.load8_u (i32.add (local.get $locationStart) (local.get $i)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $bytes)))
        (br $probe)))
      (local.set $state (i32.load offset=8 (local.get $at)))
      ;; the reason: unknown_state, or a title the filter refuses
      (local.set $reason (i32.const 0))
      (if (local.get $state) (then
        (local.set $i (i32.shr_u (i32.mul (i32.load offset=8 (local.get $out)) (i32.const 0x85ebca6b)) (i32.load offset=4 (local.get $ctx))))
        (if (i32.and (i32.load (i32.add (i32.load (local.get $ctx)) (i32.shl (i32.shr_u (local.get $i) (i32.const 5)) (i32.const 2))))
                     (i32.shl (i32.const 1) (i32.and (local.get $i) (i32.const 31))))
          (then (return (i32.const 1))))
        (local.set $reason (i32.load offset=32 (local.get $ctx)))))
      ;; the row's first bytes: both fields as they lie when CSV needs nothing done to them (one
      ;; copy), else each field's bytes, in quotes when they hold a comma and no quote (doubled
      ;; quotes, a formula to guard or decoded text are JavaScript's)
      (local.set $titleFlags (i32.load offset=12 (local.get $out)))
      (local.set $locationFlags (i32.load offset=28 (local.get $out)))
      (local.set $upto (i32.const 0))
      (if (i32.and
            (i32.eqz (i32.and (i32.or (local.get $titleFlags) (local.get $locationFlags)) (i32.const 7)))
            (i32.and (i32.eq (local.get $locationStart) (i32.add (local.get $titleEnd) (i32.const 1)))
                     (i32.eq (i32.load8_u (local.get $titleEnd)) (i32.const 0x2c))))
        (then (local.set $upto (local.get $locationEnd))))
      (if (i32.and
            (i32.and (i32.eqz (local.get $titleFlags)) (i32.eq (local.get $locationFlags) (i32.const 2)))
            (i32.and (i32.eq (local.get $locationStart) (i32.add (local.get $titleEnd) (i32.const 2)))
                     (i32.and (i32.eq (i32.load16_u (local.get $titleEnd)) (i32.const 0x222c))
                              (i32.eq (i32.load8_u (local.get $locationEnd)) (i32.const 0x22)))))
        (then (local.set $upto (i32.add (local.get $locationEnd) (i32.const 1)))))
      (if (local.get $upto)
        (then (local.set $length (i32.sub (local.get $upto) (local.get $titleStart))))
        (else
          (if (i32.and (i32.or (local.get $titleFlags) (local.get $locationFlags)) (i32.const 5)) (then (return (i32.const 1))))
          (if (i32.and (local.get $titleFlags) (i32.const 2)) (then
            (if (call $hasQuote (local.get $titleStart) (local.get $titleEnd)) (then (return (i32.const 1))))))
          (if (i32.and (local.get $locationFlags) (i32.const 2)) (then
            (if (call $hasQuote (local.get $locationStart) (local.get $locationEnd)) (then (return (i32.const 1))))))
          ;; the bytes, a comma, and two quotes per quoted field
          (local.set $length (i32.add
            (i32.add (i32.sub (local.get $titleEnd) (local.get $titleStart)) (i32.sub (local.get $locationEnd) (local.get $locationStart)))
            (i32.add (i32.const 1) (i32.add (i32.and (local.get $titleFlags) (i32.const 2)) (i32.and (local.get $locationFlags) (i32.const 2))))))))
      (local.set $at (i32.add (i32.load offset=28 (local.get $ctx)) (i32.shl (i32.add (i32.shl (local.get $state) (i32.const 2)) (local.get $reason)) (i32.const 3))))
      (local.set $tail (i32.load (local.get $at)))
      (local.set $tailLength (i32.load offset=4 (local.get $at)))
      (if (i32.eqz (local.get $tailLength)) (then (return (i32.const 1))))
      (local.set $used (i32.load offset=40 (local.get $ctx)))
      (if (i32.gt_u (i32.add (i32.add (local.get $used) (local.get $length)) (local.get $tailLength)) (i32.load offset=44 (local.get $ctx)))
        (then
          (i32.store offset=36 (local.get $out) (i32.add (local.get $length) (local.get $tailLength)))
          (return (i32.const 3))))
      (local.set $at (i32.add (i32.load offset=36 (local.get $ctx)) (local.get $used)))
      (if (local.get $upto)
        (then (memory.copy (local.get $at) (local.get $titleStart) (local.get $length)))
        (else
          (local.set $i (call $put (local.get $at) (local.get $titleStart) (local.get $titleEnd) (i32.and (local.get $titleFlags) (i32.const 2))))
          (i32.store8 (local.get $i) (i32.const 0x2c))
          (drop (call $put (i32.add (local.get $i) (i32.const 1)) (local.get $locationStart) (local.get $locationEnd) (i32.and (local.get $locationFlags) (i32.const 2))))))
      (memory.copy (i32.add (local.get $at) (local.get $length)) (local.get $tail) (local.get $tailLength))
      (i32.store offset=40 (local.get $ctx) (i32.add (i32.add (local.get $used) (local.get $length)) (local.get $tailLength)))
      (local.set $at (select (i32.add (local.get $ctx) (i32.const 48)) (i32.add (local.get $ctx) (i32.const 52)) (i32.eqz (local.get $reason))))
      (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
      (i32.store offset=40 (local.get $out) (i32.add (i32.load offset=40 (local.get $out)) (i32.const 1)))
      (local.set $pos (local.get $next))
      (br $rows))
    (i32.const 0))
)
