; matmul: C = A x B for 2 x 2 matrices, one thread per element of C (tiny-gpu README kernel).
; A = [1 2; 3 4] at address 0, B = [1 2; 3 4] at address 4; C (row-major) at address 8:
; C = [1*1+2*3  1*2+2*4; 3*1+4*3  3*2+4*4] = [7 10; 15 22].
; tiny-gpu config (2 cores x 4 threads, memory latency 0): 444 cycles.
; expect: 8: 7 10 15 22
; cycles: tiny-gpu=444 gpu-4x8=536 gpu-perf=530 gpu-perf-4x8=543
.threads 4
.data 1 2 3 4                  ; A (2 x 2) at address 0
.data 1 2 3 4                  ; B (2 x 2) at address 4

MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx         ; i = global thread index

CONST R1, #1                   ; step of k
CONST R2, #2                   ; N, the inner dimension
CONST R3, #0                   ; base of A
CONST R4, #4                   ; base of B
CONST R5, #8                   ; base of C

DIV R6, R0, R2                 ; row = i / N
MUL R7, R6, R2
SUB R7, R0, R7                 ; col = i - row * N

CONST R8, #0                   ; sum = 0
CONST R9, #0                   ; k = 0

LOOP:
  MUL R10, R6, R2
  ADD R10, R10, R9
  ADD R10, R10, R3             ; &A[row][k] = base A + row * N + k
  LDR R10, R10

  MUL R11, R9, R2
  ADD R11, R11, R7
  ADD R11, R11, R4             ; &B[k][col] = base B + k * N + col
  LDR R11, R11

  MUL R12, R10, R11
  ADD R8, R8, R12              ; sum += A[row][k] * B[k][col]

  ADD R9, R9, R1               ; k += 1

  CMP R9, R2
  BRn LOOP                     ; loop while k < N

ADD R9, R5, R0                 ; &C[i]
STR R9, R8                     ; C[i] = sum

RET
