; matadd: C = A + B for two 1 x 8 matrices, one thread per element (tiny-gpu README kernel).
; A = 0..7 at address 0, B = 0..7 at address 8; C[i] = A[i] + B[i] at address 16.
; tiny-gpu config (2 cores x 4 threads, memory latency 0): 158 cycles.
; expect: 16: 0 2 4 6 8 10 12 14
; cycles: tiny-gpu=158 gpu-4x8=184 gpu-perf=274 gpu-perf-4x8=194
.threads 8
.data 0 1 2 3 4 5 6 7          ; A (1 x 8) at address 0
.data 0 1 2 3 4 5 6 7          ; B (1 x 8) at address 8

MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx         ; i = global thread index

CONST R1, #0                   ; base of A
CONST R2, #8                   ; base of B
CONST R3, #16                  ; base of C

ADD R4, R1, R0                 ; &A[i]
LDR R4, R4                     ; A[i]

ADD R5, R2, R0                 ; &B[i]
LDR R5, R5                     ; B[i]

ADD R6, R4, R5                 ; A[i] + B[i]

ADD R7, R3, R0                 ; &C[i]
STR R7, R6                     ; C[i] = A[i] + B[i]

RET
