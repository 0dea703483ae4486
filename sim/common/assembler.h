// Assembler for tiny-gpu style kernels (.threads, .data, labels, ; comments, #imm).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lockstep {

// Size limits of the machine the program is assembled for (from the config).
struct AsmLimits {
    unsigned program_words = 256;   // 2^program_addr_bits
    unsigned data_words = 256;      // 2^data_addr_bits
    unsigned data_bits = 8;         // .data values must fit (negatives wrap, two's complement)
    unsigned max_threads = 255;     // the device control register is 8 bits
};

struct Program {
    std::string path;                 // source file ("<string>" if assembled from text)
    std::vector<uint16_t> code;       // machine words from program address 0
    std::vector<int> code_lines;      // source line of each word (1-based)
    std::vector<uint32_t> data;       // initial data memory from address 0
    unsigned threads = 0;             // from .threads
};

// Throws lockstep::Error "path:line: message" on any malformed input.
// Decimal (optionally negative) or 0x hex, the whole text; nullopt when malformed or beyond
// 64 bits. The assembler's numbers and data files (common/data_file) both read this way.
std::optional<long long> parse_number(const std::string& text);

Program assemble(const std::string& source, const std::string& path, const AsmLimits& limits);
Program assemble_file(const std::string& path, const AsmLimits& limits);

// A listing: "addr  word  disassembly  ; line N" per instruction. With the reconvergence fields
// of a GPU with divergence (common/reconvergence.h) a conditional branch's line also says where
// its paths meet: ", reconverges at 12" or ", paths meet only at RET".
std::string listing(const Program& program, const std::vector<uint32_t>& reconvergence = {},
                    unsigned program_addr_bits = 8);

}  // namespace lockstep
