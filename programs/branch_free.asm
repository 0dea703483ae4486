; branch_free: programs/divergent.asm without the branch. With p = %threadIdx mod 2 (1 for an
; odd slot), y = (2 + p) * x + 1: every lane runs every instruction, so SIMT efficiency stays
; at 100% and the kernel issues fewer instructions (docs/performance-lab.md).
; x[i] = i + 1 at address 0, y[i] at 16 + i.
; expect: 16: 3 7 7 13 11 19 15 25 19 31 23 37 27 43 31 49
; cycles: tiny-gpu=337 gpu-4x8=208 gpu-perf=414 gpu-perf-4x8=213
.threads 16
.data 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16

MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx         ; i
LDR R1, R0                     ; x
CONST R2, #2
DIV R3, %threadIdx, R2
MUL R3, R3, R2
SUB R3, %threadIdx, R3         ; p
ADD R5, R2, R3                 ; 2 + p
MUL R6, R1, R5
CONST R5, #1
ADD R6, R6, R5                 ; y
CONST R8, #16
ADD R8, R8, R0
STR R8, R6
RET
