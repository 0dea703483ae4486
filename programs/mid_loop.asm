; mid_loop: about 100,000 cycles, the size of run the HTML viewer (lockstep view) must stay
; responsive on; lockstep bench --design view measures it. Each outer trip is 3,950 cycles
; on tiny-gpu (130 x 3 instructions of 10 cycles, and 5 more), so 86 + 26 x 3,950 in all.
; 8 threads count through nested loops (26 x 130) and each stores its outer count at
; address threadIdx + 8 * blockIdx: 26 at addresses 0..7.
; expect: 0: 26 26 26 26 26 26 26 26
; cycles: tiny-gpu=102786 gpu-4x8=123336 gpu-perf=102859 gpu-perf-4x8=123340
.threads 8
MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx         ; i = global thread index
CONST R1, #1
CONST R2, #26                  ; outer trips
CONST R3, #0                   ; outer counter
OUTER:
  CONST R4, #0                 ; inner counter
  CONST R5, #130               ; inner trips
INNER:
  ADD R4, R4, R1
  CMP R4, R5
  BRn INNER
  ADD R3, R3, R1
  CMP R3, R2
  BRn OUTER
STR R0, R3
RET
