; vecadd_blocks: C = A + B for 32-element vectors, one thread per element, so there are
; more blocks than cores (8 blocks of 4 threads on 2 cores, or 4 blocks of 8 on 4 cores).
; A[i] = i at address 0, B[i] = 100 + i at address 32; C[i] = 100 + 2i at address 64.
; expect: 64: 100 102 104 106 108 110 112 114 116 118 120 122 124 126 128 130 132 134 136 138 140 142 144 146 148 150 152 154 156 158 160 162
; cycles: tiny-gpu=531 gpu-4x8=186 gpu-perf=736 gpu-perf-4x8=188
.threads 32
.data 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15    ; A[0..15] at address 0
.data 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31  ; A[16..31]
.data 100 101 102 103 104 105 106 107 108 109 110 111 112 113 114 115  ; B[0..15] at address 32
.data 116 117 118 119 120 121 122 123 124 125 126 127 128 129 130 131  ; B[16..31]

MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx         ; i = global thread index

CONST R1, #32                  ; base of B (A is at 0, so &A[i] = i)
CONST R2, #64                  ; base of C

LDR R3, R0                     ; A[i]
ADD R4, R1, R0
LDR R4, R4                     ; B[i]
ADD R5, R3, R4                 ; A[i] + B[i]
ADD R6, R2, R0                 ; &C[i]
STR R6, R5                     ; C[i] = A[i] + B[i]
RET
