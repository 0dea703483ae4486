; far_jump: a branch to an address past 127, in the upper half of tiny-gpu's 256-word
; program memory, so the branch's immediate and the PC use every bit (the NOPs only fill
; the space between). out: address i = 2, written after the jump; the skipped store would
; write 1.
; expect: 0: 2 2 2 2
; cycles: tiny-gpu=90 gpu-4x8=108 gpu-perf=130 gpu-perf-4x8=112
.threads 4

MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx         ; i = global thread index
CONST R1, #1
CONST R2, #2
CMP R0, R0                     ; Z
BRz FAR                        ; always jumps, to address 130
STR R0, R1                     ; skipped: mem[i] = 1
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
NOP
FAR:
STR R0, R2                     ; mem[i] = 2
RET
