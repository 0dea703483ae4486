; bench_loop: a long-running kernel for `lockstep bench` (thousands of cycles).
; Each of 8 threads sums its own element of A 200 times: out[i] = (200 * A[i]) mod 256.
; A[i] = i + 1 at address 0..7; results at address 16..23.
; expect: 16: 200 144 88 32 232 176 120 64
; cycles: tiny-gpu=11316 gpu-4x8=13732 gpu-perf=12009 gpu-perf-4x8=13739
.threads 8
.data 1 2 3 4 5 6 7 8

MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx         ; i = global thread index
CONST R1, #1                   ; step
CONST R2, #200                 ; trip count
CONST R3, #0                   ; k = 0
CONST R4, #0                   ; acc = 0
LOOP:
  LDR R5, R0                   ; A[i]
  ADD R4, R4, R5               ; acc += A[i]
  ADD R3, R3, R1               ; k++
  CMP R3, R2
  BRn LOOP                     ; while k < 200
CONST R6, #16
ADD R6, R6, R0
STR R6, R4                     ; out[i] = acc
RET
