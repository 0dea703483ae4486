// Bad input under AddressSanitizer and UndefinedBehaviorSanitizer. This executable compiles
// the input parsers again with both (tests/CMakeLists.txt) and also runs test_assembler's and
// test_config's cases; a sanitizer report stops the process, which fails the test. Here:
// damaged states.bin files opened by the stepper and the viewer, every truncation of a trace,
// random damage to traces, programs and configs, and two canaries proving reports do stop it.
#include "damaged_traces.h"
#include "testing.h"

#include "common/assembler.h"
#include "common/config.h"
#include "common/error.h"
#include "lockstep/commands.h"
#include "lockstep/stepper.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <sstream>

namespace lockstep::testing {
namespace {

namespace fs = std::filesystem;

std::string dir_for(const std::string& name) {
    return ::testing::TempDir() + "lockstep_" + std::to_string(::getpid()) + "_bad_" + name;
}

// What opening DIR with the stepper (and stepping through it) and with the viewer says, or
// "" when both work. Only lockstep::Error may come out; the sanitizers watch the rest.
std::string open_trace(const std::string& dir) {
    std::string said;
    try {
        Stepper stepper(dir);
        const bool gpu = stepper.kind() == "gpu";
        std::ostringstream out;
        for (const char* command : {"show", "last", "prev 3", "first", gpu ? "break pc=3" : "break pe=1,2",
                                    gpu ? "break state=wait" : "break phase=fill", "break mismatch", "c", "rc", "c"}) {
            stepper.execute(command, out);
        }
    } catch (const Error& e) {
        said = e.what();
    }
    try {
        write_view(dir);
    } catch (const Error& e) {
        if (said.empty()) said = e.what();
    }
    return said;
}

TEST(BadTrace, DamagedHeadersAreErrorsNamingTheField) {
    for (const DamagedHeader& c : damaged_headers()) {
        const std::string dir = dir_for("header");
        const std::string bin = write_states(dir, damaged_bytes(c));
        EXPECT_EQ(open_trace(dir), bin + ": " + c.error) << c.name;
    }
}

TEST(BadTrace, DamagedFilesAreErrors) {
    for (const DamagedFile& c : damaged_files()) {
        const std::string dir = dir_for("file");
        const std::string bin = write_states(dir, c.bytes);
        EXPECT_EQ(open_trace(dir), bin + ": " + c.error) << c.name;
    }
}

// A trace of `records` cycles of random fields (in a random range, so some are plausible).
std::string random_trace(bool gpu, uint64_t records, std::mt19937& rng) {
    const std::string dir = dir_for(gpu ? "random_gpu" : "random_array");
    const size_t fields = gpu ? gpu_trace_fields() : array_trace_fields();
    fs::create_directories(dir);
    {
        trace::StateWriter writer(dir + "/states.bin", gpu ? gpu_trace_header() : array_trace_header(), fields);
        std::vector<uint32_t> record(fields, 0);
        for (uint64_t r = 0; r < records; ++r) {
            for (int k = 0; k < 8; ++k) record[rng() % fields] = rng() % 4 == 0 ? rng() : rng() % 9;
            writer.append(record);
        }
        writer.finish({{"first_mismatch", {{"cycle", records / 2}, {"record", records / 2}}}});
    }
    return read_text(dir + "/states.bin");
}

TEST(BadTrace, RandomRecordsAreShownWhateverTheirValues) {
    std::mt19937 rng(1);
    for (const bool gpu : {true, false}) {
        const std::string bytes = random_trace(gpu, 1500, rng);
        EXPECT_EQ(open_trace(dir_for(gpu ? "random_gpu" : "random_array")), "");
        EXPECT_GT(bytes.size(), 1000u);
    }
}

TEST(BadTrace, EveryTruncationIsAnError) {
    for (const bool gpu : {true, false}) {
        const std::string whole = states_bytes((gpu ? gpu_trace_header() : array_trace_header()).dump(),
                                               gpu ? gpu_trace_fields() : array_trace_fields());
        const std::string dir = dir_for("cut");
        for (size_t size = 0; size < whole.size(); ++size) {
            write_states(dir, whole.substr(0, size));
            EXPECT_NE(open_trace(dir), "") << size << " of " << whole.size() << " bytes";
        }
    }
}

// Random bytes overwritten anywhere (often in the header, where they make odd JSON): opening
// and stepping either works or is an Error.
TEST(BadTrace, RandomDamageIsAnErrorOrHarmless) {
    std::mt19937 rng(2);
    for (const bool gpu : {true, false}) {
        const std::string good = random_trace(gpu, 1030, rng);   // two keyframe blocks
        const size_t header_end = 8 + 2 + (gpu ? gpu_trace_header() : array_trace_header()).dump().size();
        const std::string dir = dir_for("damaged");
        int errors = 0;
        for (int trial = 0; trial < 60; ++trial) {
            std::string bytes = good;
            for (int n = 1 + static_cast<int>(rng() % 3); n > 0; --n) {
                const size_t at = rng() % 2 ? rng() % header_end : rng() % bytes.size();
                bytes[at] = static_cast<char>(rng() % 3 == 0 ? "0123456789-.e\"{}[],: "[rng() % 22] : rng());
            }
            write_states(dir, bytes);
            errors += !open_trace(dir).empty();
        }
        EXPECT_GT(errors, 0) << "some damage is found";
    }
}

// `text` with 1..4 random edits: a byte replaced, a span cut out or repeated, a digit string put in.
std::string mangled(const std::string& text, std::mt19937& rng) {
    std::string out = text;
    for (int n = 1 + static_cast<int>(rng() % 4); n > 0 && !out.empty(); --n) {
        const size_t at = rng() % out.size(), span = std::min<size_t>(rng() % 12, out.size() - at);
        switch (rng() % 4) {
            case 0: out[at] = static_cast<char>(rng() % 2 ? rng() : "#-:,R \n.xK9"[rng() % 11]); break;
            case 1: out.erase(at, span); break;
            case 2: out.insert(at, out.substr(at, span)); break;
            default: out.insert(at, rng() % 2 ? "99999999999999999999" : "-2147483649"); break;
        }
    }
    return out;
}

TEST(BadInput, MangledProgramsAssembleOrAreErrors) {
    std::mt19937 rng(3);
    for (const auto& entry : fs::directory_iterator(source_path("programs"))) {
        const std::string source = read_text(entry.path().string());
        for (int trial = 0; trial < 300; ++trial) {
            try {
                assemble(mangled(source, rng), "k.asm", AsmLimits{});
            } catch (const Error&) {
            }
        }
    }
}

TEST(BadInput, MangledConfigsLoadOrAreErrors) {
    std::mt19937 rng(4);
    for (const auto& entry : fs::directory_iterator(source_path("configs"))) {
        const std::string yaml = read_text(entry.path().string());
        for (int trial = 0; trial < 300; ++trial) {
            try {
                parse_config(mangled(yaml, rng), "c.yaml");
            } catch (const Error&) {
            }
        }
    }
}

// The canaries: ctest runs each alone and expects the sanitizer's report and no "PASSED".
TEST(SanitizerCanary, DISABLED_UndefinedShiftStopsTheTest) {
    volatile unsigned bits = 70;   // what a header's program_addr_bits said before it was checked
    EXPECT_NE(uint64_t{1} << bits, 0u);
}

TEST(SanitizerCanary, DISABLED_ReadPastABufferStopsTheTest) {
    std::vector<char> data(16, 'x');
    volatile size_t at = 16;
    EXPECT_EQ(data.data()[at], 'x');
}

}  // namespace
}  // namespace lockstep::testing
