; reduce: 8 threads each sum a strided slice of a 32-element array with a counted loop.
; a[j] = j + 1 at address 0. Thread t sums a[t] + a[t+8] + a[t+16] + a[t+24] = 4t + 52
; and stores it at address 32 + t. (The 8 partial sums add up to 528 = 1 + ... + 32.)
; expect: 32: 52 56 60 64 68 72 76 80
; cycles: tiny-gpu=390 gpu-4x8=464 gpu-perf=546 gpu-perf-4x8=480
.threads 8
.data 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16            ; a[0..15] at address 0
.data 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32   ; a[16..31]

MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx         ; t = global thread index, also the first index read

CONST R1, #8                   ; stride = number of threads
CONST R2, #4                   ; iterations = 32 / 8
CONST R3, #1                   ; step of the counter
CONST R4, #32                  ; base of the partial sums
ADD R5, R4, R0                 ; &sum[t]
CONST R6, #0                   ; sum = 0
CONST R7, #0                   ; k = 0

LOOP:
  LDR R8, R0                   ; a[j]
  ADD R6, R6, R8               ; sum += a[j]
  ADD R0, R0, R1               ; j += stride
  ADD R7, R7, R3               ; k += 1
  CMP R7, R2
  BRn LOOP                     ; a fixed count, so every thread leaves together

STR R5, R6                     ; sum[t] = sum
RET
