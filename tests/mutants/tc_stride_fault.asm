; config: gpu-tc
; An A tile load whose stride (2) is shorter than the tile's rows (4): the tensor core stops the
; run with a stride fault. A mutation input that must fail this way (tests/mutants/inputs.yaml).
.threads 4

CONST R1, #0
CONST R2, #2
TLDA R1, R2
RET
