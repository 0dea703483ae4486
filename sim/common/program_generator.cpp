#include "common/program_generator.h"

#include "common/error.h"
#include "common/isa.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <vector>

namespace lockstep {

namespace {

// R0 = global thread id, R1 = 1, R9/R10 a loop's counter and bound, R11/R12 address
// arithmetic; R2..R10 are scratch elsewhere.
class Generator {
public:
    Generator(uint64_t seed, const GpuConfig& config) : rng_(seed), config_(config) {}

    std::string run() {
        const unsigned data_words = 1u << std::min(config_.data_addr_bits, 8u);   // CONST reaches 255
        const unsigned max_threads = std::min(255u, data_words / 2);
        threads_ = pick(1, std::min(max_threads, config_.cores * config_.threads_per_block * 3));
        out_base_ = data_words / 2;   // each thread stores to out_base + id
        emit(".threads {}", threads_);
        std::string data = ".data";
        const uint32_t data_max = (1u << config_.data_width) - 1;
        for (unsigned i = 0; i < out_base_; ++i) data += fmt::format(" {}", pick(0, data_max));
        lines_.push_back(data);
        emit("MUL R0, %blockIdx, %blockDim");
        emit("ADD R0, R0, %threadIdx");
        emit("CONST R1, #1");
        // A block is at most 24 instructions; the prologue and epilogue take 8.
        const unsigned room = 1u << config_.program_addr_bits;
        if (room < 8) throw Error(fmt::format("random kernels need at least 8 instructions of program memory, "
                                              "program_addr_bits = {} gives {}", config_.program_addr_bits, room));
        const unsigned blocks = std::min(pick(1, 4), (room - 8) / 24);
        const bool tensor = config_.tensor_core.present();
        const bool divergence = config_.divergence();
        // Divergent constructs nest up to what the reconvergence stack holds: the base entry,
        // then at most two entries per level.
        max_depth_ = divergence ? std::min(2u, (config_.stack_depth - 1) / 2) : 0;
        for (unsigned b = 0; b < blocks; ++b) {
            switch (pick(0, tensor || divergence ? 6 : 3)) {
            case 0: loop(b); break;
            case 1: skip(b); break;
            case 4:
            case 5:
                if (tensor) {
                    tiles(data_words);
                } else {
                    diverge(fmt::format("{}", b), 1);
                }
                break;
            case 6:
                if (tensor) {
                    tiles(data_words);
                } else if (pick(0, 1) == 0) {
                    thread_loop(b);
                } else {
                    early_exit(b);
                }
                break;
            default: straight(pick(2, 8)); break;
            }
        }
        emit("CONST R12, #{}", out_base_);   // every thread stores its result at out_base + id
        emit("ADD R11, R0, R12");
        emit("STR R11, R{}", pick(2, 10));
        emit("RET");
        std::string text;
        for (const std::string& line : lines_) text += line + "\n";
        return text;
    }

private:
    template <typename... Args>
    void emit(const char* format, Args&&... args) {
        lines_.push_back(fmt::format(format, std::forward<Args>(args)...));
    }

    // Program address of the next instruction: every line so far but labels, .threads and .data.
    unsigned next_address() const {
        return static_cast<unsigned>(std::count_if(lines_.begin(), lines_.end(), [](const std::string& line) {
            return line.back() != ':' && line.rfind(".threads", 0) != 0 && line.rfind(".data", 0) != 0;
        }));
    }

    unsigned pick(unsigned lo, unsigned hi) { return std::uniform_int_distribution<unsigned>(lo, hi)(rng_); }
    unsigned scratch() { return pick(2, 10); }

    void straight(unsigned count) {
        static const char* const ops[] = {"ADD", "SUB", "MUL", "DIV"};
        for (unsigned i = 0; i < count; ++i) {
            switch (pick(0, 5)) {
            case 0: emit("CONST R{}, #{}", scratch(), pick(0, 255)); break;
            case 1: load(); break;
            case 2: store(); break;
            case 3: emit("CMP R{}, R{}", pick(0, 10), pick(0, 15)); break;   // flags only, no branch
            default:
                emit("{} R{}, R{}, R{}", ops[pick(0, 3)], scratch(), pick(0, 15), pick(0, 15));
                break;
            }
        }
    }

    // One ALU instruction into R2..R8 that leaves NZP alone (not CMP).
    void arithmetic() {
        static const char* const ops[] = {"ADD", "SUB", "MUL", "DIV"};
        emit("{} R{}, R{}, R{}", ops[pick(0, 3)], pick(2, 8), pick(0, 15), pick(0, 15));
    }

    // A forward branch on flags set a few instructions earlier, so it must read the NZP
    // register and not the ALU's output of what ran in between. Fresh constants as the
    // compared values keep every thread of a block on one path.
    void skip(unsigned index) {
        static const char* const conditions[] = {"BRn", "BRz", "BRp", "BRnz", "BRnp", "BRzp", "BRnzp"};
        const unsigned a = scratch(), b = scratch();
        emit("CONST R{}, #{}", a, pick(0, 3));
        emit("CONST R{}, #{}", b, pick(0, 3));
        const unsigned compare = next_address();
        emit("CMP R{}, R{}", a, b);
        for (unsigned i = 0, n = pick(0, 3); i < n; ++i) arithmetic();
        emit("{} SKIP{}", conditions[pick(0, 6)], index);
        // A branch with no condition bits never jumps, whatever NZP holds; the assembler has no
        // mnemonic for it, so it goes in raw. Were it taken, it would loop back to the CMP.
        emit(".word 0x{:04X}", isa::encode({isa::Opcode::Br, 0, 0, 0, static_cast<uint8_t>(compare), 0}));
        for (unsigned i = 0, n = pick(1, 3); i < n; ++i) arithmetic();
        emit("SKIP{}:", index);
    }

    // Tile instructions with bases and strides that every thread of a block holds (CONST) and
    // that keep the tile inside the words CONST reaches; a TSTC may land on other threads' data.
    void tiles(unsigned data_words) {
        const TensorCoreConfig& tc = config_.tensor_core;
        for (unsigned i = 0, n = pick(2, 5); i < n; ++i) {
            const unsigned kind = pick(0, 4);
            if (kind == 3) {
                emit("TMMA");
                continue;
            }
            if (kind == 4) {
                emit("TCLR");
                continue;
            }
            static const char* const moves[] = {"TLDA", "TLDB", "TSTC"};
            const unsigned width = kind == 0 ? tc.rows : tc.cols;
            const unsigned stride = width + pick(0, 3);
            const unsigned extent = (tc.rows - 1) * stride + width;
            if (extent > data_words) {   // only a dense tile fits
                if ((tc.rows - 1) * width + width > data_words) continue;
                emit("CONST R11, #{}", width);
                emit("CONST R12, #0");
            } else {
                emit("CONST R11, #{}", stride);
                emit("CONST R12, #{}", pick(0, data_words - extent));
            }
            emit("{} R12, R11", moves[kind]);
        }
    }

    // A load into `to`, in one of two access patterns of the same length: contiguous (address
    // = id + base: a warp's lanes share one or two segments of a coalescer) or strided
    // (address = id * stride: lanes in as many segments as the stride spreads them over, all on
    // one word with stride 0); every thread stays below out_base.
    void load(unsigned to) {
        const unsigned widest = (out_base_ - 1) / std::max(1u, threads_ - 1);
        static const unsigned strides[] = {0, 2, 3, 4, 5, 8};
        const unsigned stride = strides[pick(0, 5)];
        if (pick(0, 1) == 0 || stride > widest) {
            emit("CONST R12, #{}", pick(0, out_base_ - threads_));
            emit("ADD R11, R0, R12");
        } else {
            emit("CONST R12, #{}", stride);
            emit("MUL R11, R0, R12");
        }
        emit("LDR R{}, R11", to);
    }
    void load() { load(scratch()); }

    void store() {
        emit("CONST R12, #{}", out_base_);
        emit("ADD R11, R0, R12");
        emit("STR R11, R{}", scratch());
    }

    // A thread-dependent value to compare: the slot or the global thread index.
    const char* thread_value() { return pick(0, 1) == 0 ? "%threadIdx" : "R0"; }

    // An if (or if/else) on the thread index: the block splits when the constant falls among
    // its threads (all or none take it otherwise); a body may hold another one, up to the
    // stack's nesting depth. A body is at most 6 instructions at the top level, 3 nested, so a
    // construct stays within a block's 24.
    void diverge(const std::string& name, unsigned level) {
        static const char* const conditions[] = {"BRn", "BRz", "BRp", "BRnz", "BRnp", "BRzp"};
        const unsigned a = scratch();
        emit("CONST R{}, #{}", a, pick(0, config_.threads_per_block + 1));
        emit("CMP {}, R{}", thread_value(), a);
        const bool with_else = pick(0, 1) == 0;
        emit("{} ELSE{}", conditions[pick(0, 5)], name);
        body(name + "t", level);
        if (with_else) emit("BRnzp END{}", name);
        emit("ELSE{}:", name);
        if (with_else) {
            body(name + "e", level);
            emit("END{}:", name);
        }
    }

    void body(const std::string& name, unsigned level) {
        if (level < max_depth_ && pick(0, 2) == 0) {
            diverge(name, level + 1);
            return;
        }
        for (unsigned i = 0, n = pick(1, level == 1 ? 2 : 1); i < n; ++i) {
            switch (pick(0, 3)) {
            case 0: load(); break;
            case 1: store(); break;
            default: arithmetic(); break;
            }
        }
    }

    // A loop whose trip count is the slot index plus 1..3: threads leave it at different
    // iterations.
    void thread_loop(unsigned index) {
        emit("CONST R9, #0");
        emit("CONST R10, #{}", pick(1, 3));
        emit("ADD R10, R10, %threadIdx");
        emit("TLOOP{}:", index);
        for (unsigned i = 0, n = pick(1, 3); i < n; ++i) arithmetic();
        emit("ADD R9, R9, R1");
        emit("CMP R9, R10");
        emit("BRn TLOOP{}", index);
    }

    // Some threads store their result and return early; the others go on.
    void early_exit(unsigned index) {
        const unsigned a = scratch();
        emit("CONST R{}, #{}", a, pick(0, config_.threads_per_block + 1));
        emit("CMP {}, R{}", thread_value(), a);
        emit("BRn STAY{}", index);
        store();
        emit("RET");
        emit("STAY{}:", index);
    }

    void loop(unsigned index) {   // counted loop with a uniform bound: no divergence
        const unsigned trips = pick(1, 5);
        const unsigned body = pick(1, 4);
        emit("CONST R9, #0");
        emit("LOOP{}:", index);
        // the body may not touch R9 (counter) or R10 (bound)
        static const char* const ops[] = {"ADD", "SUB", "MUL"};
        for (unsigned i = 0; i < body; ++i) {
            if (pick(0, 3) == 0) {
                load(pick(2, 8));
            } else {
                emit("{} R{}, R{}, R{}", ops[pick(0, 2)], pick(2, 8), pick(0, 8), pick(0, 8));
            }
        }
        emit("CONST R10, #{}", trips);
        emit("ADD R9, R9, R1");
        emit("CMP R9, R10");
        for (unsigned i = 0, n = pick(0, 2); i < n; ++i) arithmetic();   // the branch reads stale flags
        emit("BRn LOOP{}", index);
    }

    std::mt19937_64 rng_;
    GpuConfig config_;
    unsigned threads_ = 1;
    unsigned out_base_ = 128;
    unsigned max_depth_ = 0;       // nesting levels of divergent ifs
    std::vector<std::string> lines_;
};

}  // namespace

std::string generate_program(uint64_t seed, const GpuConfig& config) {
    return Generator(seed, config).run();
}

}  // namespace lockstep
