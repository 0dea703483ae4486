; matmul4x4: C = A x B for 4 x 4 matrices, one thread per element of C (16 threads).
; A at address 0, B at address 16, C at address 32, all row-major; small values so every
; element of C fits in 8 bits:
;   A = [1 2 3 4; 2 3 4 1; 3 4 1 2; 4 1 2 3]   B = [1 0 2 1; 0 1 1 2; 2 1 0 1; 1 2 1 0]
;   C = [11 13 8 8; 11 9 8 12; 7 9 12 12; 11 9 12 8]
; expect: 32: 11 13 8 8 11 9 8 12 7 9 12 12 11 9 12 8
; cycles: tiny-gpu=1461 gpu-4x8=888 gpu-perf=1441 gpu-perf-4x8=898
.threads 16
.data 1 2 3 4  2 3 4 1  3 4 1 2  4 1 2 3    ; A (4 x 4) at address 0
.data 1 0 2 1  0 1 1 2  2 1 0 1  1 2 1 0    ; B (4 x 4) at address 16

MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx         ; i = global thread index

CONST R1, #1                   ; step of k
CONST R2, #4                   ; N, the inner dimension
CONST R3, #0                   ; base of A
CONST R4, #16                  ; base of B
CONST R5, #32                  ; base of C

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
  BRn LOOP                     ; every thread runs N iterations, so no thread diverges

ADD R9, R5, R0                 ; &C[i]
STR R9, R8                     ; C[i] = sum
RET
