; matmul_tc_8: C = A x B for 8 x 8 matrices of 16-bit words, tiled over the tensor core
; (docs/architecture.md, "Tensor core"). A is row-major at address 0, B at 64, C at 128.
; One block per output tile: block b computes the TR x TC tile (ti, tj) = (b / (N/TC), b % (N/TC))
; with TCLR; for each k-tile kt: TLDA at A + ti*TR*N + kt*TR, TLDB at B + kt*TR*N + tj*TC (stride
; N), TMMA; then TSTC at C + ti*TR*N + tj*TC. A tile instruction is issued once for the block and
; every thread computes the same base and stride, so the block's 4 threads only come along.
; The kernel is the same in matmul_tc_4, _8 and _16 but for the CONST of N. Nothing in the ISA
; tells the kernel the tensor core's shape: TR = TC = 4 match configs/gpu-tc.yaml (rows 4, cols 4);
; for another shape set TR = rows, TC = cols (both must divide N) and .threads to
; threads_per_block * (N/TR) * (N/TC); here 16 = 4 * (8/4)^2.
; programs/matmul_simt_8.asm computes the same product without the tensor core.
; Data: A then B, 2*N*N values in -8..8 from a 31-bit LCG seeded with N (made once by a
; throwaway script, kept here as .data): x = N; repeat 2*N*N times
; { x = (1103515245*x + 12345) mod 2^31; value = (x >> 16) mod 17 - 8 }.
; C[0][0..3] = 20 56 31 13; tests/test_matmul_tc.cpp checks all of C against its own product.
; config: gpu-tc
; run: lockstep run programs/matmul_tc_8.asm --config configs/gpu-tc.yaml --dump 128..191 --signed
.threads 16
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

CONST R0, #8                  ; N: the only line that differs between matmul_tc_{4,8,16}
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
