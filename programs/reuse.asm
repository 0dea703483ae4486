; reuse: a 4-tap filter, y[i] = w[0] x[i] + w[1] x[i+1] + w[2] x[i+2] + w[3] x[i+3]. Every
; thread loads 4 taps and 4 inputs; each tap is loaded by all 32 threads and each input by up
; to 4 neighbouring ones, so of 256 lane loads only 40 words are distinct: a data cache turns
; most of the loads into hits (docs/performance-lab.md, "Data cache").
; 32 threads: 8 blocks of 4. x at 0..35, w at 64..67; y[i] at 128 (8-bit, wrapping).
; expect: 128: 75 55 58 84 110 90 93 96 76 79 82 62 65 68 48 51 77 103 83 86 89 69 72 75 55 58 84 110 90 93 96 76
; cycles: tiny-gpu=2115 gpu-4x8=672 gpu-perf=2061 gpu-perf-4x8=692
.threads 32
.data 3 10 17 1 8 15 22 6 13 20 4 11 18 2 9 16 0 7
.data 14 21 5 12 19 3 10 17 1 8 15 22 6 13 20 4 11 18
.data 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
.data 1 2 3 1

MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx         ; i
CONST R1, #1
CONST R2, #0                   ; k
CONST R3, #4                   ; taps
CONST R4, #64                  ; &w[0]
CONST R5, #0                   ; y
LOOP:
ADD R6, R4, R2                 ; &w[k]
LDR R7, R6                     ; w[k]: the same word for every thread
ADD R6, R0, R2                 ; i + k
LDR R8, R6                     ; x[i + k]: shared with 3 neighbours
MUL R7, R7, R8
ADD R5, R5, R7
ADD R2, R2, R1
CMP R2, R3
BRn LOOP
CONST R6, #128
ADD R6, R6, R0
STR R6, R5                     ; y[i]
RET
