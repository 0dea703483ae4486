; matmul_simt_4: C = A x B for 4 x 4 matrices of 16-bit words with plain SIMT (LDR, MUL,
; ADD, STR), the same product as programs/matmul_tc_4.asm on the same data, without the tensor
; core. A is row-major at address 0, B at 16, C at 32. Thread g (of N*N/2 = 8) computes two
; outputs of row i = g / (N/2): C[i][j] and C[i][j + N/2], j = g % (N/2), loading each A[i][k]
; once for both (so N = 16 needs 128 threads, under the 255 limit, and all N run one kernel).
; The kernel is the same in matmul_simt_4, _8 and _16 but for the CONST of N.
; Data: A then B, 2*N*N values in -8..8 from a 31-bit LCG seeded with N (made once by a
; throwaway script, kept here as .data): x = N; repeat 2*N*N times
; { x = (1103515245*x + 12345) mod 2^31; value = (x >> 16) mod 17 - 8 }.
; C[0][0..3] = -28 -11 -3 42; tests/test_matmul_tc.cpp checks all of C against its own product.
; config: gpu-tc
; run: lockstep run programs/matmul_simt_4.asm --config configs/gpu-tc.yaml --dump 32..47 --signed
.threads 8
.data  7  1 -6 -3   ; A row 0 at 0
.data -3  0 -5  0   ; A row 1 at 4
.data -1  7  3  4   ; A row 2 at 8
.data  3  4 -7 -4   ; A row 3 at 12
.data -2 -8  2 -2   ; B row 0 at 16
.data  1 -3 -5  5   ; B row 1 at 20
.data  1 -7  0 -7   ; B row 2 at 24
.data  3 -2  4 -3   ; B row 3 at 28

CONST R0, #4                  ; N: the only line that differs between matmul_simt_{4,8,16}
CONST R1, #1
CONST R2, #2
DIV R2, R0, R2                ; H = N/2: a thread computes C[i][j] and C[i][j+H]

MUL R3, %blockIdx, %blockDim
ADD R3, R3, %threadIdx        ; g = global thread index, 0 .. N*N/2 - 1
DIV R4, R3, R2                ; i = g / H
MUL R5, R4, R2
SUB R5, R3, R5                ; j = g % H

MUL R4, R4, R0                ; i*N
MUL R6, R0, R0                ; N*N = base of B
ADD R12, R6, R6               ; 2*N*N = base of C (above 255 for N = 16: built, not a CONST)
ADD R12, R12, R4
ADD R12, R12, R5              ; &C[i][j]
ADD R6, R6, R5                ; &B[0][j], then + N per k
CONST R3, #0                  ; base of A
ADD R4, R3, R4                ; &A[i][0], then + 1 per k
ADD R3, R4, R0                ; &A[i][N]: the A pointer's end
CONST R7, #0                  ; sum0 = 0 (C[i][j])
CONST R8, #0                  ; sum1 = 0 (C[i][j+H])

LOOP:                         ; for k in 0 .. N-1
  LDR R9, R4                  ; a = A[i][k], loaded once for both sums
  LDR R10, R6                 ; B[k][j]
  MUL R10, R9, R10
  ADD R7, R7, R10             ; sum0 += a * B[k][j]
  ADD R11, R6, R2
  LDR R10, R11                ; B[k][j+H]
  MUL R10, R9, R10
  ADD R8, R8, R10             ; sum1 += a * B[k][j+H]
  ADD R4, R4, R1
  ADD R6, R6, R0
  CMP R4, R3
  BRn LOOP

STR R12, R7                   ; C[i][j] = sum0
ADD R12, R12, R2
STR R12, R8                   ; C[i][j+H] = sum1
RET
