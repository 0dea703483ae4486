; matmul_simt_16: C = A x B for 16 x 16 matrices of 16-bit words with plain SIMT (LDR, MUL,
; ADD, STR), the same product as programs/matmul_tc_16.asm on the same data, without the tensor
; core. A is row-major at address 0, B at 256, C at 512. Thread g (of N*N/2 = 128) computes two
; outputs of row i = g / (N/2): C[i][j] and C[i][j + N/2], j = g % (N/2), loading each A[i][k]
; once for both (so N = 16 needs 128 threads, under the 255 limit, and all N run one kernel).
; The kernel is the same in matmul_simt_4, _8 and _16 but for the CONST of N.
; Data: A then B, 2*N*N values in -8..8 from a 31-bit LCG seeded with N (made once by a
; throwaway script, kept here as .data): x = N; repeat 2*N*N times
; { x = (1103515245*x + 12345) mod 2^31; value = (x >> 16) mod 17 - 8 }.
; C[0][0..3] = 108 140 -51 -63; tests/test_matmul_tc.cpp checks all of C against its own product.
; config: gpu-tc
; run: lockstep run programs/matmul_simt_16.asm --config configs/gpu-tc.yaml --dump 512..767 --signed
.threads 128
.data  2  4  6 -4 -1  7  6 -6  0  0 -1  0 -2 -3 -6  5   ; A row 0 at 0
.data -8  4 -4  4  5  4 -8 -3 -6 -4  2 -1 -4  6 -7 -7   ; A row 1 at 16
.data  4 -1 -3  7 -6 -8 -4  3  7 -2 -8 -2  3 -8  7  5   ; A row 2 at 32
.data  1  4  8  6 -3  0 -1 -3  5  1  2  1  8 -5 -7  3   ; A row 3 at 48
.data  2  2  7  3 -8 -6 -7  1 -5  1  7 -7 -1  6 -3  3   ; A row 4 at 64
.data -5 -2  6 -4 -8 -6 -5  3  2 -2  5 -1 -2 -8  8  1   ; A row 5 at 80
.data -7  2 -1 -5  2  0 -6  3  7 -2 -4  0 -5 -6 -1 -4   ; A row 6 at 96
.data  1 -8  0  2  4  0 -1  8 -3  8  7 -5  0  3 -8 -6   ; A row 7 at 112
.data  4 -8  0  5 -1  7  4 -7 -6 -4 -6  1  2  0  5  6   ; A row 8 at 128
.data -1 -5  1  3 -6 -2 -5 -8  0  7  6 -5  0  7 -6 -1   ; A row 9 at 144
.data -6  3  3 -5 -8 -4 -2  6  5  8  0  7 -4  3  1 -3   ; A row 10 at 160
.data  6  4  1  8  2 -2 -3 -1 -1 -5  3 -5  0  8  6  8   ; A row 11 at 176
.data  7 -2 -2 -8  7  7 -6  6  2 -3 -6 -7 -5 -5  1 -8   ; A row 12 at 192
.data  2  7  5  6 -1 -8 -3  5 -4 -1  8 -4  2 -5 -4 -1   ; A row 13 at 208
.data  0  8 -1  2 -5  5  6  2  2 -7 -2  7  3  2 -3 -5   ; A row 14 at 224
.data -1  1 -7  7 -1  3 -4 -3  5  8 -6  3 -1  0  4  8   ; A row 15 at 240
.data  4  3  2  1  0  0  5 -5 -1  5 -4  0 -3  7  8 -2   ; B row 0 at 256
.data  2  7  2  3  0 -7 -4  5 -6  3  8 -5  4  2  4 -1   ; B row 1 at 272
.data  8  5 -1 -7  6 -2 -4  8 -7  4 -3  7  4  2  4 -3   ; B row 2 at 288
.data -4 -6  6  8 -1  5  6 -7  3 -8 -4 -2  1 -7 -4 -7   ; B row 3 at 304
.data -8 -2  0 -1 -2  8  3 -1 -2  7 -8  8 -5 -7  2  3   ; B row 4 at 320
.data  4  6  6  1 -7  6  7 -8 -7 -3  1 -8 -4 -1  3  1   ; B row 5 at 336
.data -1 -7 -7  7 -3 -7 -8 -6 -3 -1  3  4 -3  3  2  0   ; B row 6 at 352
.data -4 -6  6  4  0 -6 -6  3 -4  4 -2  7 -2 -7 -4 -6   ; B row 7 at 368
.data -8 -1 -8  7  4  1  3  7 -5 -6 -2 -4  6  3 -1  1   ; B row 8 at 384
.data -5  1  3 -1 -2  4  6 -7  6  0  2  7 -4  8 -7 -6   ; B row 9 at 400
.data  5  0 -8  6 -4 -6 -2 -4  2 -6 -4  6  2 -1  6  8   ; B row 10 at 416
.data  6 -7 -3 -5 -2 -2 -1  1  5  6 -8 -7 -7  8  4  2   ; B row 11 at 432
.data  1 -4 -6 -4 -5 -6  3 -3 -3 -4 -3 -7  4 -7 -2 -4   ; B row 12 at 448
.data -8  4  7 -7  4  8 -1  2  7  7 -4  5 -5 -1  1 -2   ; B row 13 at 464
.data  8  2 -4  7  2  2 -5 -6  8  6  6  0  1  6 -6  4   ; B row 14 at 480
.data  1  6 -4 -2 -8 -4 -6  5 -8  3 -2 -2 -4  0  8  4   ; B row 15 at 496

CONST R0, #16                 ; N: the only line that differs between matmul_simt_{4,8,16}
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
