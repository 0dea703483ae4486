// Typed configuration read from YAML; an unknown or misspelt key is an error.
#pragma once

#include <cstdint>
#include <string>

namespace lockstep {

// GPU shape; the RTL parameters of `rtl/gpu/gpu.sv` come from here.
struct GpuConfig {
    unsigned cores = 2;               // compute cores, 1..16
    unsigned threads_per_block = 4;   // thread slots per core, 1..32
    unsigned data_channels = 4;       // data-memory channels, 1..32
    unsigned program_channels = 1;    // program-memory channels, 1..cores
    unsigned data_width = 8;          // bits per data word and register: 8 or 16
    unsigned data_addr_bits = 8;      // data memory holds 2^data_addr_bits words, 1..data_width
    unsigned program_addr_bits = 8;   // program memory holds 2^program_addr_bits words, 1..8
};

struct MemoryConfig {
    unsigned latency = 0;             // extra cycles before memory answers, 0..64
};

struct SimConfig {
    uint64_t max_cycles = 10000000;   // a run longer than this stops with an error, 1..1e9
};

// The tensor core; the RTL parameters of `rtl/systolic/systolic.sv` come from here.
struct SystolicConfig {
    unsigned rows = 4;                // PE rows, 1..256
    unsigned cols = 4;                // PE columns, 1..256
    std::string dataflow = "ws";      // os, ws or is (a run may override it)
    unsigned in_bits = 8;             // A and B element width (signed), 2..16
    unsigned acc_bits = 32;           // accumulator width (signed, wrapping), 16..32
    unsigned buffer_addr_bits = 14;   // A, B and C buffers hold 2^bits words each, 4..24
};

struct Config {
    std::string path;                 // file it came from ("<defaults>" if none)
    GpuConfig gpu;
    SystolicConfig systolic;
    MemoryConfig memory;
    SimConfig sim;
};

// Throws lockstep::Error naming the file, line and key on unknown keys, wrong types,
// out-of-range values, or a missing/unreadable file.
Config load_config(const std::string& path);
Config parse_config(const std::string& yaml_text, const std::string& path);

}  // namespace lockstep
