; divergent: an if/else on %threadIdx. Odd thread slots compute y = 3x + 1, even ones
; y = 2x + 1. Every block splits: the even slots run their path, then the odd ones theirs,
; and all meet again at DONE (the branch's immediate post-dominator). Needs a GPU with a
; divergence: section; programs/branch_free.asm computes the same without a branch
; (docs/performance-lab.md). x[i] = i + 1 at address 0, y[i] at 16 + i.
; expect: 16: 3 7 7 13 11 19 15 25 19 31 23 37 27 43 31 49
; cycles: gpu-perf=534 gpu-perf-4x8=285
.threads 16
.data 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16

MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx         ; i
LDR R1, R0                     ; x
CONST R2, #2
DIV R3, %threadIdx, R2
MUL R3, R3, R2
CMP %threadIdx, R3             ; Z for an even slot
BRz EVEN
CONST R5, #3                   ; odd slots: y = 3x + 1
MUL R6, R1, R5
CONST R5, #1
ADD R6, R6, R5
BRnzp DONE
EVEN:
CONST R5, #2                   ; even slots: y = 2x + 1
MUL R6, R1, R5
CONST R5, #1
ADD R6, R6, R5
DONE:
CONST R8, #16
ADD R8, R8, R0
STR R8, R6
RET
