; matmul_simt_8: C = A x B for 8 x 8 matrices of 16-bit words with plain SIMT (LDR, MUL,
; ADD, STR), the same product as programs/matmul_tc_8.asm on the same data, without the tensor
; core. A is row-major at address 0, B at 64, C at 128. Thread g (of N*N/2 = 32) computes two
; outputs of row i = g / (N/2): C[i][j] and C[i][j + N/2], j = g % (N/2), loading each A[i][k]
; once for both (so N = 16 needs 128 threads, under the 255 limit, and all N run one kernel).
; The kernel is the same in matmul_simt_4, _8 and _16 but for the CONST of N.
; Data: A then B, 2*N*N values in -8..8 from a 31-bit LCG seeded with N (made once by a
; throwaway script, kept here as .data): x = N; repeat 2*N*N times
; { x = (1103515245*x + 12345) mod 2^31; value = (x >> 16) mod 17 - 8 }.
; C[0][0..3] = 20 56 31 13; tests/test_matmul_tc.cpp checks all of C against its own product.
; config: gpu-tc
; run: lockstep run programs/matmul_simt_8.asm --config configs/gpu-tc.yaml --dump 128..191 --signed
.threads 32
.data  5 -4  4 -6  6  5  1 -5   ; A row 0 at 0
.data -3  2 -7  3  7 -1 -4 -1   ; A row 1 at 8
.data -4 -1 -3  6 -1 -4  2  0   ; A row 2 at 16
.data  2 -1  6  3  3 -5  3  5   ; A row 3 at 24
.data  6  4 -1  4 -6 -4  2  2   ; A row 4 at 32
.data -4  2  0 -5  1  6  3  6   ; A row 5 at 40
.data  8 -6  8  7  5  5  1 -4   ; A row 6 at 48
.data  5 -5  6  4 -3  7  7  2   ; A row 7 at 56
.data  6  5  3 -1  6 -3  2  8   ; B row 0 at 64
.data  1  2  3  2  7 -4  6  3   ; B row 1 at 72
.data  4  4 -1  5  7  5 -5  6   ; B row 2 at 80
.data -1  0 -7 -7 -1  3 -3  4   ; B row 3 at 88
.data -5  5  0  2 -3  6 -6 -3   ; B row 4 at 96
.data  5  2  6 -8  7  1 -3  0   ; B row 5 at 104
.data -3  3 -5  2 -6 -6 -6  5   ; B row 6 at 112
.data  4  4  7  2 -2 -7  6  8   ; B row 7 at 120

CONST R0, #8                  ; N: the only line that differs between matmul_simt_{4,8,16}
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
