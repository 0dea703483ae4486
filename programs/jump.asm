; jump: how to jump unconditionally. NZP is 000 when a block starts, so no branch jumps
; before the block's first CMP, not even BRnzp. CMP R0, R0 sets Z (CMP sets exactly one of
; N, Z, P), so after it BRz always jumps, and so does BRnzp after any CMP.
; out: address i = 1 (the first branch fell through), i + 4 and i + 8 = 0 (jumped over).
; expect: 0: 1 1 1 1 0 0 0 0 0 0 0 0
; cycles: tiny-gpu=120 gpu-4x8=144 gpu-perf=160 gpu-perf-4x8=148
.threads 4

MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx         ; i = global thread index
CONST R1, #1
CONST R2, #4
CONST R3, #8

BRnzp FIRST                    ; no CMP yet: NZP = 000, falls through
STR R0, R1                     ; mem[i] = 1
FIRST:
CMP R0, R0                     ; R0 == R0: Z
BRz SECOND                     ; always jumps
ADD R4, R0, R2
STR R4, R1                     ; mem[i + 4] = 1, jumped over
SECOND:
BRnzp THIRD                    ; NZP = 010 now: jumps
ADD R4, R0, R3
STR R4, R1                     ; mem[i + 8] = 1, jumped over
THIRD:
RET
