; Three if/elses nested in their fall-through paths on 8 thread slots: the base entry and two
; per level need 7 reconvergence-stack entries, so on configs/gpu-perf-4x8.yaml (5 entries) the
; third branch (PC 8) stops the run with a stack overflow (tests/test_divergence.cpp builds the
; same kernel).
.threads 8
CONST R1, #4
CMP %threadIdx, R1
BRzp ELSE0
CONST R1, #2
CMP %threadIdx, R1
BRzp ELSE1
CONST R1, #1
CMP %threadIdx, R1
BRzp ELSE2
NOP
BRnzp END2
ELSE2:
NOP
END2:
NOP
BRnzp END1
ELSE1:
NOP
END1:
NOP
BRnzp END0
ELSE0:
NOP
END0:
RET
