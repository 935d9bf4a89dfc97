;; The ByteHeap's copy: memory.copy is a native memmove behind a call that V8 inlines into
;; optimized JavaScript, ~10 ns for the 20-80 bytes of an output row's pieces, where a JavaScript
;; loop over a Uint8Array takes ~1.4 ns a byte and a native TypedArray.set needs a subarray object
;; per piece. Assembled by `npm run build:wasm` (wabt) into copyKernel.wasm.ts.
(module
  (import "heap" "memory" (memory 0))
  (func (export "copy") (param $to i32) (param $from i32) (param $length i32)
    (memory.copy (local.get $to) (local.get $from) (local.get $length))))
