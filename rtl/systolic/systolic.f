// The systolic array's RTL in compile order, package first: every tool reads this list
// (make lint, the CMake lint tests, the RTL cache). Paths are relative to this file:
// verilator -F rtl/systolic/systolic.f --top-module systolic
systolic_pkg.sv
array_controller.sv
feeder.sv
buffer.sv
pe_array.sv
output_writer.sv
stream_sequencer.sv
tile_loader.sv
tile_storer.sv
systolic.sv
