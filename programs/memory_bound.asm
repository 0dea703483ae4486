; memory_bound: each thread adds three words it loads, y[i] = a[i] + b[i] + c[i], and stores
; the sum: 3 loads and a store among 13 instructions, so on a slow data memory a warp spends
; most of its time waiting. More resident warps a core hide that wait (docs/performance-lab.md).
; 32 threads: 8 blocks of 4. a[i] = i at 0, b[i] = 2i at 32, c[i] = 100 at 64; y[i] at 96.
; expect: 96: 100 103 106 109 112 115 118 121 124 127 130 133 136 139 142 145 148 151 154 157 160 163 166 169 172 175 178 181 184 187 190 193
; cycles: tiny-gpu=635 gpu-4x8=280 gpu-perf=965 gpu-perf-4x8=225
.threads 32
.data 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31
.data 0 2 4 6 8 10 12 14 16 18 20 22 24 26 28 30 32 34 36 38 40 42 44 46 48 50 52 54 56 58 60 62
.data 100 100 100 100 100 100 100 100 100 100 100 100 100 100 100 100
.data 100 100 100 100 100 100 100 100 100 100 100 100 100 100 100 100

MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx         ; i
CONST R4, #32
ADD R6, R0, R4                 ; 32 + i
ADD R7, R6, R4                 ; 64 + i
ADD R8, R7, R4                 ; 96 + i
LDR R1, R0                     ; a[i]
LDR R2, R6                     ; b[i]
LDR R3, R7                     ; c[i]
ADD R1, R1, R2
ADD R1, R1, R3
STR R8, R1                     ; y[i]
RET
