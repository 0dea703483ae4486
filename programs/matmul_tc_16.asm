; matmul_tc_16: C = A x B for 16 x 16 matrices of 16-bit words, tiled over the tensor core
; (docs/architecture.md, "Tensor core"). A is row-major at address 0, B at 256, C at 512.
; One block per output tile: block b computes the TR x TC tile (ti, tj) = (b / (N/TC), b % (N/TC))
; with TCLR; for each k-tile kt: TLDA at A + ti*TR*N + kt*TR, TLDB at B + kt*TR*N + tj*TC (stride
; N), TMMA; then TSTC at C + ti*TR*N + tj*TC. A tile instruction is issued once for the block and
; every thread computes the same base and stride, so the block's 4 threads only come along.
; The kernel is the same in matmul_tc_4, _8 and _16 but for the CONST of N. Nothing in the ISA
; tells the kernel the tensor core's shape: TR = TC = 4 match configs/gpu-tc.yaml (rows 4, cols 4);
; for another shape set TR = rows, TC = cols (both must divide N) and .threads to
; threads_per_block * (N/TR) * (N/TC); here 64 = 4 * (16/4)^2.
; programs/matmul_simt_16.asm computes the same product without the tensor core.
; Data: A then B, 2*N*N values in -8..8 from a 31-bit LCG seeded with N (made once by a
; throwaway script, kept here as .data): x = N; repeat 2*N*N times
; { x = (1103515245*x + 12345) mod 2^31; value = (x >> 16) mod 17 - 8 }.
; C[0][0..3] = 108 140 -51 -63; tests/test_matmul_tc.cpp checks all of C against its own product.
; config: gpu-tc
; run: lockstep run programs/matmul_tc_16.asm --config configs/gpu-tc.yaml --dump 512..767 --signed
.threads 64
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

CONST R0, #16                 ; N: the only line that differs between matmul_tc_{4,8,16}
CONST R1, #4                  ; TR = tensor-core rows R (A tile TR x TR, k-step TR)
CONST R2, #4                  ; TC = tensor-core cols C (B and C tiles TR x TC)
CONST R3, #0                  ; base of A
MUL R4, R0, R0                ; N*N = base of B
ADD R5, R4, R4                ; 2*N*N = base of C (above 255 for N = 16: built, not a CONST)

DIV R6, R0, R2                ; tiles per row of C = N / TC
DIV R7, %blockIdx, R6         ; ti = block / (N/TC)
MUL R8, R7, R6
SUB R8, %blockIdx, R8         ; tj = block % (N/TC)
MUL R7, R7, R1
MUL R7, R7, R0                ; ti*TR*N: offset of the tile's first row in A and C
MUL R8, R8, R2                ; tj*TC: offset of the tile's first column in B and C

ADD R9, R3, R7                ; &A[ti*TR][0], then + TR per k-tile
ADD R10, R4, R8               ; &B[0][tj*TC], then + TR*N per k-tile
MUL R11, R1, R0               ; TR*N, the step down B
ADD R12, R9, R0               ; &A[ti*TR][N]: the A pointer's end

TCLR                          ; acc = 0
KTILE:                        ; for kt in 0 .. N/TR - 1 (at least once: TR <= N)
  TLDA R9, R0                 ; A tile: rows ti*TR.., cols kt*TR.., stride N
  TLDB R10, R0                ; B tile: rows kt*TR.., cols tj*TC.., stride N
  TMMA                        ; acc += A tile * B tile
  ADD R9, R9, R1
  ADD R10, R10, R11
  CMP R9, R12
  BRn KTILE

ADD R12, R5, R7
ADD R12, R12, R8              ; &C[ti*TR][tj*TC]
TSTC R12, R0                  ; C tile <- acc (low 16 bits), stride N
RET
