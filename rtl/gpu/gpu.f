// The GPU's RTL in compile order, package first: every tool reads this list
// (make lint, the CMake lint tests, the RTL cache). Paths are relative to this file:
// verilator -F rtl/gpu/gpu.f --top-module gpu
../lint/gpu_waiver.vlt
gpu_pkg.sv
dcr.sv
dispatcher.sv
controller.sv
dcache.sv
coalescer.sv
fetcher.sv
decoder.sv
scheduler.sv
warp_scheduler.sv
alu.sv
lsu.sv
registers.sv
pc.sv
../systolic/systolic_pkg.sv
../systolic/pe_array.sv
../systolic/feeder.sv
tensor_core.sv
core.sv
gpu.sv
