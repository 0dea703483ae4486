// The stepper's commands, breakpoints and the two views (GPU cores and threads; the array grid).
#include "stepper.h"

#include "common/error.h"
#include "common/isa.h"
#include "common/plural.h"
#include "trace/gpu_activity.h"
#include "trace/snapshot_fields.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace lockstep {

const char* const kStepperHelp = R"(commands:
  n, next [N]        forward one (or N) cycles        p, prev [N]   back one (or N) cycles
  g, goto N          go to cycle N                    first, last   first or last cycle
  s, show            print the current cycle again
  mem [A..B] [-s]    gpu: show data memory words A..B (default: those the run uses) at every
                     cycle from now, * marking words written at the edge into this cycle;
                     -s signed values; mem off stops
  b, break COND      stop at cycles where COND holds:
                       gpu:      pc=N, instr=LDR (a core decodes it)   state=WAIT|... (a core enters it)
                                 lsu=WAITING|... (a thread's LSU enters it)   mismatch
                       systolic: fold=N (starts)   phase=preload|fill|steady|drain (entered)
                                 pe=ROW,COL (starts multiplying)   mismatch
  breaks             list breakpoints                 delete N | clear   remove one or all
  c, continue        run forward to the next breakpoint hit
  rc, reverse        run backward to the previous hit
  h, help            this text                        q, quit       leave
)";

namespace {

using gpu::CoreState;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

uint64_t number(const std::string& text, const char* what) {
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) throw Error(what);
    return std::stoull(text);
}
uint64_t count(const std::string& text) { return text.empty() ? 1 : number(text, "expected a count"); }

}  // namespace

Stepper::Stepper(const std::string& dir) : reader_(dir + "/states.bin") {
    const nlohmann::json& m = reader_.meta();
    kind_ = m.value("kind", "");
    if (kind_ == "gpu") {
        gpu_ = trace::gpu_config_of(reader_);
        now_.resize(gpu_);
        before_.resize(gpu_);
        if (trace::DataMemoryLog::recorded(m)) memory_ = std::make_unique<trace::DataMemoryLog>(reader_, gpu_);
    } else if (kind_ == "systolic") {
        shape_ = trace::array_shape_of(reader_);
        sa_.after.resize(shape_);
    } else if (kind_ == "stream") {
        throw Error(fmt::format("{}: a streamed layer's trace (lockstep scale --trace): read its trace.log and stream.csv, or open "
                                "utilisation.svg; the stepper and the viewer step through GPU runs and single GEMMs", dir));
    } else {
        throw Error(dir + "/states.bin: unknown trace kind '" + kind_ + "'");
    }
    if (reader_.cycles() == 0) throw Error(dir + "/states.bin: no cycles recorded");
}

bool Stepper::execute(const std::string& line, std::ostream& out) {
    std::istringstream words(line);
    std::string verb, arg;
    words >> verb;
    std::getline(words, arg);
    arg = arg.empty() ? arg : arg.substr(arg.find_first_not_of(' ') == std::string::npos ? arg.size() : arg.find_first_not_of(' '));
    verb = lower(verb);
    if (verb.empty()) return true;
    if (verb == "q" || verb == "quit" || verb == "exit") return false;
    if (verb == "h" || verb == "help" || verb == "?") {
        out << kStepperHelp;
    } else if (verb == "n" || verb == "next") {
        move(cycle_ + count(arg), out);
    } else if (verb == "p" || verb == "prev") {
        const uint64_t n = count(arg);
        move(cycle_ >= n ? cycle_ - n : 0, out);
    } else if (verb == "g" || verb == "goto") {
        move(number(arg, "goto needs a cycle number"), out);
    } else if (verb == "first") {
        move(0, out);
    } else if (verb == "last") {
        move(last(), out);
    } else if (verb == "s" || verb == "show") {
        show(out);
    } else if (verb == "mem" || verb == "memory") {
        memory_command(arg, out);
    } else if (verb == "b" || verb == "break") {
        add_break(arg, out);
    } else if (verb == "breaks") {
        for (size_t i = 0; i < breaks_.size(); ++i) out << fmt::format("  {}: {}\n", i, breaks_[i].text);
        if (breaks_.empty()) out << "  no breakpoints\n";
    } else if (verb == "delete") {
        const uint64_t i = number(arg, "delete needs a breakpoint number");
        if (i >= breaks_.size()) throw Error(fmt::format("no breakpoint {}", i));
        breaks_.erase(breaks_.begin() + static_cast<long>(i));
    } else if (verb == "clear") {
        breaks_.clear();
    } else if (verb == "c" || verb == "continue") {
        run(+1, out);
    } else if (verb == "rc" || verb == "reverse") {
        run(-1, out);
    } else {
        throw Error(fmt::format("unknown command '{}' (help lists them)", verb));
    }
    return true;
}

void Stepper::show(std::ostream& out) {
    if (kind_ == "gpu") {
        show_gpu(out);
        if (mem_shown_) show_memory(out);
    } else {
        show_systolic(out);
    }
    const nlohmann::json& error = reader_.meta().value("error", nlohmann::json());
    if (cycle_ == last() && error.is_string()) out << "the run stopped here: " << error.get<std::string>() << "\n";
}

void Stepper::move(uint64_t cycle, std::ostream& out) {
    if (cycle > last()) out << fmt::format("the run ends at cycle {}\n", last());
    cycle_ = std::min(cycle, last());
    if (print_views) show(out);
}

void Stepper::load(uint64_t cycle) {
    if (kind_ == "gpu") {
        trace::gpu_from_fields(reader_.at(cycle > 0 ? cycle - 1 : 0), before_);
        trace::gpu_from_fields(reader_.at(cycle), now_);
    } else {
        trace::systolic_from_fields(reader_.at(cycle), sa_);
    }
}

void Stepper::run(int direction, std::ostream& out) {
    if (breaks_.empty()) throw Error("no breakpoints (break COND sets one)");
    uint64_t c = cycle_;
    while (direction > 0 ? c < last() : c > 0) {
        c = direction > 0 ? c + 1 : c - 1;
        for (const Break& b : breaks_) {
            if (!b.hit(c)) continue;
            out << fmt::format("breakpoint '{}' at cycle {}\n", b.text, c);
            move(c, out);
            return;
        }
    }
    out << fmt::format("no breakpoint hit {}; at cycle {}\n", direction > 0 ? "before the end" : "before cycle 0", c);
    move(c, out);
}

// `value` if it is one of the `count` names that `name_of` gives (compared in lower case),
// else an error listing them: the names come from the tables the views print with.
template <typename NameOf>
std::string one_of(const std::string& value, const char* what, unsigned count, NameOf name_of) {
    std::string list;
    for (unsigned i = 0; i < count; ++i) {
        const std::string name = lower(name_of(i));
        if (name == value) return value;
        list += (list.empty() ? "" : ", ") + name;
    }
    throw Error(fmt::format("{}='{}' is not one of {}", what, value, list));
}

void Stepper::add_break(const std::string& text, std::ostream& out) {
    const std::string cond = lower(text);
    const size_t eq = cond.find('=');
    const std::string key = cond.substr(0, eq), value = eq == std::string::npos ? "" : cond.substr(eq + 1);
    const nlohmann::json& meta = reader_.meta();
    std::function<bool(uint64_t)> hit;
    if (key == "mismatch") {
        const nlohmann::json& m = meta.value("first_mismatch", nlohmann::json());
        if (!m.is_object()) throw Error("this run had no lock-step mismatch");
        const uint64_t at = m.value("record", m.at("cycle").get<uint64_t>());   // records go on across launches
        hit = [at](uint64_t c) { return c == at; };
    } else if (kind_ == "gpu" && key == "pc") {
        const uint64_t pc = number(value, "pc=N needs a number");
        if (pc >= (1ull << gpu_.program_addr_bits)) {
            throw Error(fmt::format("pc={} is past the program memory (0..{})", pc, (1ull << gpu_.program_addr_bits) - 1));
        }
        hit = [this, pc](uint64_t c) {
            return any_core(c, [&](const gpu::CoreView& k) { return k.pc == pc && k.state == CoreState::Decode; });
        };
    } else if (kind_ == "gpu" && key == "state") {
        const std::string want =
            one_of(value, "state", static_cast<unsigned>(CoreState::Done) + 1,
                   [](unsigned i) { return gpu::name(static_cast<CoreState>(i)); });
        hit = [this, want](uint64_t c) {   // a core enters the state (each core counts)
            load(c);
            for (size_t k = 0; k < now_.cores.size(); ++k) {
                const bool in = lower(gpu::name(now_.cores[k].state)) == want;
                if (in && now_.cores[k].start && (c == 0 || lower(gpu::name(before_.cores[k].state)) != want)) return true;
            }
            return false;
        };
    } else if (kind_ == "gpu" && key == "lsu") {
        const std::string want =
            one_of(value, "lsu", static_cast<unsigned>(gpu::LsuState::Done) + 1,
                   [](unsigned i) { return gpu::name(static_cast<gpu::LsuState>(i)); });
        hit = [this, want](uint64_t c) {   // a thread's LSU enters the state (each thread counts)
            load(c);
            for (size_t t = 0; t < now_.threads.size(); ++t) {
                const bool in = lower(gpu::name(now_.threads[t].lsu)) == want;
                if (in && (c == 0 || lower(gpu::name(before_.threads[t].lsu)) != want)) return true;
            }
            return false;
        };
    } else if (kind_ == "gpu" && key == "instr") {
        const std::string want = value;
        const std::string mnemonic = want.substr(0, want.find(' '));
        const bool branch = mnemonic.rfind("br", 0) == 0 && mnemonic.find_first_not_of("nzp", 2) == std::string::npos;
        std::string upper = mnemonic;
        for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (want.empty() || (!branch && !isa::opcode_from_mnemonic(upper))) {
            throw Error(fmt::format("instr='{}' does not start with an instruction (e.g. instr=LDR, instr=BRn)", value));
        }
        hit = [this, want](uint64_t c) {
            return any_core(c, [&](const gpu::CoreView& k) {
                const std::string text = lower(isa::disassemble(k.instruction));
                return k.state == CoreState::Decode && text.compare(0, want.size(), want) == 0;
            });
        };
    } else if (kind_ == "systolic" && key == "fold") {
        const uint64_t fold = number(value, "fold=N needs a number");
        const uint64_t folds = meta.value("folds", uint64_t{0});
        if (folds == 0) throw Error("this trace does not record its folds");
        if (fold >= folds) throw Error(fmt::format("fold={}: this run has folds 0..{}", fold, folds - 1));
        hit = [this, fold](uint64_t c) { load(c); return sa_.fold == fold && sa_.t == 0 && sa_.state == systolic::SaState::Run; };
    } else if (kind_ == "systolic" && key == "phase") {
        const std::string want = one_of(value, "phase", static_cast<unsigned>(trace::Phase::Done) + 1,
                                        [](unsigned i) { return trace::phase_name(static_cast<trace::Phase>(i)); });
        hit = [this, want](uint64_t c) {
            load(c);
            const bool now = trace::phase_name(static_cast<trace::Phase>(sa_.phase)) == want;
            if (!now || c == 0) return false;
            load(c - 1);   // entering the phase, not staying in it
            return trace::phase_name(static_cast<trace::Phase>(sa_.phase)) != want;
        };
    } else if (kind_ == "systolic" && key == "pe") {
        unsigned row = 0, col = 0;
        int used = 0;
        if (std::sscanf(value.c_str(), "%u,%u%n", &row, &col, &used) != 2 || static_cast<size_t>(used) != value.size() ||
            row >= shape_.rows || col >= shape_.cols) {
            throw Error(fmt::format("pe=ROW,COL with ROW < {} and COL < {}", shape_.rows, shape_.cols));
        }
        const size_t p = static_cast<size_t>(row) * shape_.cols + col;
        hit = [this, p](uint64_t c) {
            load(c);
            if (!sa_.after.mac[p] || c == 0) return false;
            load(c - 1);
            return sa_.after.mac[p] == 0;
        };
    } else {
        throw Error(fmt::format("unknown breakpoint '{}' (help lists them)", text));
    }
    breaks_.push_back(Break{text, hit});
    out << fmt::format("breakpoint {}: {}\n", breaks_.size() - 1, text);
}

bool Stepper::any_core(uint64_t c, const std::function<bool(const gpu::CoreView&)>& test) {
    load(c);
    return std::any_of(now_.cores.begin(), now_.cores.end(), [&](const gpu::CoreView& k) { return k.start && test(k); });
}

void Stepper::show_gpu(std::ostream& out) {
    load(cycle_);
    const unsigned tpb = gpu_.threads_per_block;
    out << fmt::format("== cycle {} (of 0..{}) == {} on {} x {}{}\n", cycle_, last(), reader_.meta().value("program", ""),
                       plural(gpu_.cores, "core"), plural(tpb, "thread"), now_.done ? "  [DONE]" : "");
    for (size_t c = 0; c < now_.warp_schedulers.size(); ++c) {   // with several warps a core
        const gpu::WarpSchedulerView& ws = now_.warp_schedulers[c];
        out << fmt::format("core{} front end: {} (last granted warp{}, {})\n", c,
                           ws.owner_valid ? fmt::format("warp{}", ws.owner) : "free", ws.last, gpu_.warp_scheduler);
    }
    for (unsigned c = 0; c < gpu_.contexts(); ++c) {   // per warp; one a core without a warps: section
        const gpu::CoreView& k = now_.cores[c];
        const bool decoded = k.state != CoreState::Idle && k.state != CoreState::Fetch && k.state != CoreState::Done;
        const trace::StallReason stall = trace::stall_reason(now_, gpu_, c);
        out << fmt::format("{} {:<8} pc {:<3} {:<24} fetcher {:<8} block {} ({}){}{}{}\n", gpu::context_name(gpu_, c),
                           gpu::name(k.state), k.pc, decoded ? isa::disassemble(k.instruction) : "",
                           gpu::name(k.fetcher), k.block_id, plural(k.thread_count, "thread"), k.start ? "" : " [no block]",
                           k.diverged ? " [DIVERGED]" : "",
                           stall == trace::StallReason::Idle ? "" : std::string(" stall ") + trace::name(stall));
        if (!k.start) continue;
        if (!k.stack.empty()) out << "  " << trace::stack_text(k, tpb, gpu_.program_addr_bits) << "\n";
        for (unsigned t = 0; t < std::min(k.thread_count, tpb); ++t) {   // a damaged record may say more
            const gpu::ThreadView& th = now_.threads[c * tpb + t];
            const gpu::ThreadView& was = before_.threads[c * tpb + t];
            std::string regs;
            for (unsigned r = 0; r < isa::kFirstReadOnly; ++r) {
                const bool changed = cycle_ > 0 && th.regs[r] != was.regs[r];
                regs += fmt::format(" R{}={}{}", r, th.regs[r], changed ? "*" : "");
            }
            const char nzp[] = {th.nzp & 4 ? 'n' : '-', th.nzp & 2 ? 'z' : '-', th.nzp & 1 ? 'p' : '-', 0};
            out << fmt::format("  t{:<2}{} | nzp {}{} lsu {}{} out {} alu {}\n", t, regs, nzp,
                               cycle_ > 0 && th.nzp != was.nzp ? "*" : "", gpu::name(th.lsu),
                               cycle_ > 0 && th.lsu != was.lsu ? "*" : "", th.lsu_out, th.alu_out);
        }
        if (c < now_.tensor.size()) show_tensor(c, out);
    }
    std::string channels;
    for (size_t i = 0; i < now_.data_requests.size(); ++i) {
        const MemRequest& r = now_.data_requests[i];
        const std::string port = i < gpu_.data_channels ? fmt::format("ch{}", i) : fmt::format("tile{}", i - gpu_.data_channels);
        const unsigned words = i < gpu_.data_channels ? gpu_.request_words() : 1;
        channels += fmt::format(" {} {}", now_.cache.empty() ? port : "cache", r.read_valid ? fmt::format("read @{}", r.read_address)
                                : r.write_valid ? fmt::format("write @{}={}", r.write_address, write_text(r, words, gpu_.data_width))
                                                : "-");
    }
    if (!now_.cache.empty()) out << trace::cache_text(now_.cache[0], cycle_ > 0 ? before_.cache[0] : now_.cache[0], gpu_) << "\n";
    std::string program;
    for (size_t i = 0; i < now_.program_requests.size(); ++i) {
        const MemRequest& r = now_.program_requests[i];
        program += fmt::format(" ch{} {}", i, r.read_valid ? fmt::format("read @{}", r.read_address) : "-");
    }
    out << "data memory:" << channels << "\nprogram memory:" << program << "\n";
}

// Core c's tensor core: its state, then the PE grid row by row, each PE as its activity glyph
// ('#' multiplied at the edge into this cycle) and its accumulator (acc tile), '*' when changed.
void Stepper::show_tensor(unsigned c, std::ostream& out) const {
    const gpu::TensorCoreView& t = now_.tensor[c];
    const gpu::TensorCoreView& was = before_.tensor[c];
    const unsigned cols = gpu_.tensor_core.cols;
    out << fmt::format("  tensor {} | base {} stride {} | {} multiplied\n", trace::tc_text(t), t.base, t.stride,
                       plural(trace::tc_busy_pes(t, was), "PE"));
    for (unsigned i = 0; i < gpu_.tensor_core.rows; ++i) {
        std::string line = fmt::format("  row{:<2}", i);
        for (unsigned j = 0; j < cols; ++j) {
            const size_t p = static_cast<size_t>(i) * cols + j;
            line += fmt::format(" {} {:<7}", trace::tc_pe_glyph(t, was, p),
                                fmt::format("{}{}", t.acc[p], cycle_ > 0 && t.acc[p] != was.acc[p] ? "*" : ""));
        }
        out << line.substr(0, line.find_last_not_of(' ') + 1) << "\n";
    }
}

void Stepper::memory_command(const std::string& arg, std::ostream& out) {
    if (kind_ != "gpu") throw Error("mem: an array trace has no data memory (its C writes are in the view)");
    if (!memory_) {
        trace::DataMemoryLog check(reader_, gpu_);   // throws, saying why
    }
    std::istringstream words(lower(arg));
    bool is_signed = false, off = false;
    std::string range;
    for (std::string w; words >> w;) {
        if (w == "-s" || w == "signed") {
            is_signed = true;
        } else if (w == "off") {
            off = true;
        } else if (range.empty()) {
            range = w;
        } else {
            throw Error("mem takes one range, e.g. mem 8..15");
        }
    }
    if (off) {
        mem_shown_ = false;
        return;
    }
    uint64_t from = 0, to = 0;
    if (!range.empty()) {
        const size_t dots = range.find("..");
        from = number(range.substr(0, dots), "mem A..B needs word addresses, e.g. mem 8..15");
        to = dots == std::string::npos ? from : number(range.substr(dots + 2), "mem A..B needs word addresses, e.g. mem 8..15");
        if (from > to || to >= memory_->words()) {
            throw Error(fmt::format("mem {}: the data memory has words 0..{}", range, memory_->words() - 1));
        }
    }
    mem_from_ = from;
    mem_to_ = range.empty() ? 0 : to + 1;
    mem_signed_ = is_signed;
    mem_shown_ = true;
    show_memory(out);
}

void Stepper::show_memory(std::ostream& out) {
    if (!memory_) return;
    uint64_t from = mem_from_, to = mem_to_;
    if (to == 0) {   // every word the run starts with or writes, in rows of 8
        uint64_t used = 0;
        for (size_t a = 0; a < memory_->words(); ++a) {
            if (memory_->initial()[a] != 0) used = a + 1;
        }
        for (const trace::DataMemoryLog::Write& w : memory_->all_writes()) used = std::max<uint64_t>(used, w.address + 1);
        from = 0;
        to = std::min<uint64_t>(std::max<uint64_t>((used + 7) / 8 * 8, 8), memory_->words());
    }
    const std::vector<uint32_t> words = memory_->at(cycle_);
    std::vector<bool> landed(words.size(), false);
    for (const trace::DataMemoryLog::Write& w : memory_->writes_until(cycle_)) landed[w.address] = landed[w.address] || w.cycle == cycle_;
    const unsigned bits = gpu_.data_width;
    auto text = [&](uint32_t v) {
        if (!mem_signed_ || bits >= 32 || !(v >> (bits - 1) & 1)) return std::to_string(v);
        return std::to_string(static_cast<int64_t>(v) - (int64_t{1} << bits));
    };
    out << fmt::format("data memory at cycle {}, words {}..{}{} (* written at the edge into this cycle)\n  addr |", cycle_,
                       from, to - 1, mem_signed_ ? ", signed" : "");
    for (unsigned i = 0; i < 8; ++i) out << fmt::format(" {:>6} ", fmt::format("+{}", i));
    out << "\n";
    for (uint64_t row = from / 8 * 8; row < to; row += 8) {
        out << fmt::format("  {:>4} |", row);
        for (uint64_t a = row; a < row + 8 && a < to; ++a) {
            out << (a < from ? std::string(8, ' ') : fmt::format(" {:>6}{}", text(words[a]), landed[a] ? '*' : ' '));
        }
        out << "\n";
    }
}

void Stepper::show_systolic(std::ostream& out) {
    load(cycle_);
    const nlohmann::json& m = reader_.meta();
    const double pes = static_cast<double>(shape_.rows) * shape_.cols;
    out << fmt::format("== cycle {} (of 0..{}) == {}x{} {} array, M={} K={} N={}\n", cycle_, last(), shape_.rows,
                       shape_.cols, m.value("dataflow", ""), m.value("m", 0), m.value("k", 0), m.value("n", 0));
    const uint64_t active = trace::SystolicTrace::macs(sa_.state, sa_.after);
    out << fmt::format("{} fold {} of {}, cycle {} of {} ({}); {} MAC; utilisation so far {:.1f}%\n",
                       systolic::name(sa_.state), sa_.fold, m.value("folds", 0), sa_.t, m.value("fold_length", 0),
                       trace::phase_name(static_cast<trace::Phase>(sa_.phase)), plural(active, "PE"),
                       100.0 * static_cast<double>(sa_.macs_so_far) / (pes * static_cast<double>(cycle_ + 1)));
    const bool detailed = shape_.cols <= 6 && shape_.rows <= 8;
    const bool stationary = m.value("dataflow", "") != "os";
    for (unsigned i = 0; i < shape_.rows; ++i) {
        std::string line = fmt::format("  row{:<3}", i);
        for (unsigned j = 0; j < shape_.cols; ++j) {
            const size_t p = static_cast<size_t>(i) * shape_.cols + j;
            const char glyph = trace::SystolicTrace::pe_glyph(sa_.state, sa_.after, p);
            if (!detailed) {
                line += glyph;
                continue;
            }
            const std::string h = sa_.after.hv[p] ? std::to_string(sa_.after.h[p]) : "-";
            const std::string v = sa_.after.vv[p] ? std::to_string(sa_.after.v[p]) : "-";
            const std::string third = stationary ? (sa_.after.wv[p] ? "w" + std::to_string(sa_.after.w[p]) : "w-")
                                                 : "a" + std::to_string(sa_.after.acc[p]);
            line += fmt::format(" {} {:>4} {:>6} {:>7} |", glyph, h, v, third);
        }
        out << line << "\n";
    }
    if (detailed) {
        out << fmt::format("  (each PE: activity, h operand, {} , {})\n", stationary ? "partial sum v" : "B operand v",
                           stationary ? "stationary w" : "accumulator a");
    }
    auto ports = [&](const char* title, const std::vector<systolic::PortAccess>& list, bool data) {
        std::string text;
        for (size_t i = 0; i < list.size(); ++i) {
            if (!list[i].valid) continue;
            text += data ? fmt::format(" {}:@{}={}", i, list[i].addr, list[i].data) : fmt::format(" {}:@{}", i, list[i].addr);
        }
        out << title << (text.empty() ? " -" : text) << "\n";
    };
    ports("left reads:", sa_.after.left, false);
    ports("top reads:", sa_.after.top, false);
    ports("C writes:", sa_.after.out, true);
}

}  // namespace lockstep
