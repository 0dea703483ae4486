; strided: memory_bound's sum y[i] = a[i] + b[i] + c[i] with its data laid out as an array of
; structures: point i is the 4 words a[i], b[i], c[i], 0 at 4i. Each load of a warp's 4 lanes
; then touches 4 addresses 4 words apart, one in each of 4 segments, where memory_bound.asm
; (a structure of arrays: a, b and c each contiguous) touches 4 neighbouring words, one
; segment. With a coalescer (configs/gpu-perf.yaml) each of these loads costs a warp 4
; requests instead of 1 (docs/performance-lab.md, "Coalescing").
; 32 threads: 8 blocks of 4. Points at 0..127; y[i] at 128.
; expect: 128: 100 103 106 109 112 115 118 121 124 127 130 133 136 139 142 145 148 151 154 157 160 163 166 169 172 175 178 181 184 187 190 193
; cycles: tiny-gpu=755 gpu-4x8=316 gpu-perf=1879 gpu-perf-4x8=482
.threads 32
.data 0 0 100 0 1 2 100 0 2 4 100 0 3 6 100 0
.data 4 8 100 0 5 10 100 0 6 12 100 0 7 14 100 0
.data 8 16 100 0 9 18 100 0 10 20 100 0 11 22 100 0
.data 12 24 100 0 13 26 100 0 14 28 100 0 15 30 100 0
.data 16 32 100 0 17 34 100 0 18 36 100 0 19 38 100 0
.data 20 40 100 0 21 42 100 0 22 44 100 0 23 46 100 0
.data 24 48 100 0 25 50 100 0 26 52 100 0 27 54 100 0
.data 28 56 100 0 29 58 100 0 30 60 100 0 31 62 100 0

MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx         ; i
CONST R4, #4
MUL R5, R0, R4                 ; 4i: point i
CONST R4, #1
ADD R6, R5, R4                 ; 4i + 1
ADD R7, R6, R4                 ; 4i + 2
CONST R4, #128
ADD R8, R0, R4                 ; 128 + i
LDR R1, R5                     ; a[i]
LDR R2, R6                     ; b[i]
LDR R3, R7                     ; c[i]
ADD R1, R1, R2
ADD R1, R1, R3
STR R8, R1                     ; y[i]
RET
