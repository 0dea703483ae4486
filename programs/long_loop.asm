; long_loop: about a million cycles, to try the stepper and the trace files on a long run.
; 8 threads count through nested loops (255 x 130) and each stores its outer count at
; address threadIdx + 8 * blockIdx: 255 at addresses 0..7.
; expect: 0: 255 255 255 255 255 255 255 255
; cycles: tiny-gpu=1007336 gpu-4x8=1208796 gpu-perf=1007409 gpu-perf-4x8=1208800
.threads 8
MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx         ; i = global thread index
CONST R1, #1
CONST R2, #255                 ; outer trips
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
