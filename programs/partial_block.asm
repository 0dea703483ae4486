; partial_block: 10 threads, not a multiple of the block size, so the last block is partly
; empty (4+4+2 with 4 threads per block, 8+2 with 8). No branches, so any block size works.
; in = 3 1 4 1 5 9 2 6 5 3 at address 0; out[i] = 2 * in[i] + i at address 16.
; expect: 16: 6 3 10 5 14 23 10 19 18 15
; cycles: tiny-gpu=211 gpu-4x8=136 gpu-perf=255 gpu-perf-4x8=141
.threads 10
.data 3 1 4 1 5 9 2 6 5 3      ; in[0..9] at address 0

MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx         ; i = global thread index (in is at 0, so &in[i] = i)

CONST R1, #16                  ; base of out
LDR R2, R0                     ; in[i]
ADD R3, R2, R2                 ; 2 * in[i]
ADD R3, R3, R0                 ; 2 * in[i] + i
ADD R4, R1, R0                 ; &out[i]
STR R4, R3                     ; out[i] = 2 * in[i] + i
RET
