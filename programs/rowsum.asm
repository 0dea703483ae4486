; rowsum: the README's walkthrough kernel. Thread t sums row t of a 4x4 matrix A (row-major
; at address 0) into C[t] at address 16, with a while-loop: the test at the top, and an
; unconditional jump back at the bottom (CMP Rx, Rx sets Z, so BRz is always taken).
; Words are 8 bits and wrap: row 2 sums to 257 = 1 (mod 256), row 3 to 256 = 0.
; expect: 16: 10 100 1 0
; cycles: tiny-gpu=484 gpu-4x8=584 gpu-perf=652 gpu-perf-4x8=606
.threads 4
.data 1 2 3 4                  ; A row 0 at address 0
.data 10 20 30 40              ; A row 1 at address 4
.data 100 100 50 7             ; A row 2 at address 8
.data 255 1 0 0                ; A row 3 at address 12

MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx         ; t = global thread index = the row this thread sums

CONST R1, #4                   ; row length, also the loop's trip count
CONST R2, #1                   ; ALU ops take registers only: constants live in registers
CONST R3, #16                  ; base of C
MUL R4, R0, R1                 ; &A[t][0] = 4t
CONST R5, #0                   ; sum = 0
CONST R6, #0                   ; k = 0

LOOP:
  CMP R6, R1                   ; k against 4 (an unsigned compare)
  BRzp DONE                    ; k >= 4: leave the loop
  LDR R7, R4                   ; A[t][k]
  ADD R5, R5, R7               ; sum += A[t][k], wrapping at 8 bits
  ADD R4, R4, R2               ; next element
  ADD R6, R6, R2               ; k += 1
  CMP R6, R6                   ; Z = 1, so the next branch is always taken
  BRz LOOP                     ; jump back unconditionally
DONE:

ADD R8, R3, R0                 ; &C[t]
STR R8, R5                     ; C[t] = sum
RET
