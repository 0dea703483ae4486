// A SCALE-Sim v2 architecture file (.cfg, Python configparser syntax), typed and checked:
// every key SCALE-Sim reads, plus the ones its shipped configs carry that it never reads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::scale {

enum class Dataflow { kOs, kWs, kIs };
const char* dataflow_name(Dataflow df);   // "os", "ws", "is"

struct ScaleConfig {
    std::string path;                          // where it was read from, for messages
    std::string run_name;                      // [general]: the report folder's name
    uint32_t array_height = 0;                 // ArrayHeight: PE rows (AH)
    uint32_t array_width = 0;                  // ArrayWidth: PE columns (AW)
    uint32_t ifmap_sram_kb = 0;                // IfmapSramSzkB, words = kB x 1024 (1-byte words)
    uint32_t filter_sram_kb = 0;               // FilterSramSzkB
    uint32_t ofmap_sram_kb = 0;                // OfmapSramSzkB
    int64_t ifmap_offset = 0;                  // IfmapOffset: base address of the ifmap
    int64_t filter_offset = 10000000;          // FilterOffset
    int64_t ofmap_offset = 20000000;           // OfmapOffset
    std::vector<uint32_t> bandwidth;           // Bandwidth: only the first value is used (USER mode)
    Dataflow dataflow = Dataflow::kOs;         // Dataflow: os, ws or is
    bool user_bandwidth = false;               // [run_presets] InterfaceBandwidth: USER (true) or CALC
    // Accepted but never read by SCALE-Sim: MemoryBanks, TopologyCsvLoc (in [network_presets]
    // or [architecture_presets]); kept so a report can echo them.
    std::string memory_banks, topology_csv_loc;
};

// Reads and checks a .cfg file; throws Error naming file:line for anything SCALE-Sim would not
// read the same way (unknown section or key, missing key, a bad number, dataflow or mode).
ScaleConfig read_scale_config(const std::string& path);
// The same from text already in memory; `path` only names it in messages.
ScaleConfig parse_scale_config(const std::string& text, const std::string& path);

}  // namespace lockstep::scale
