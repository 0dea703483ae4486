#include "gpu/dcache.h"

namespace lockstep::gpu {

Dcache::Dcache(const sc_core::sc_module_name& name, const GpuConfig& config)
    : Unit(name),
      channels_(config.data_channels),
      sets_(config.cache_sets),
      ways_(config.cache_ways),
      words_(config.request_words()),
      data_bits_(config.data_width),
      hit_latency_(config.cache_hit_latency),
      write_back_(config.cache_write_back) {
    q = d_ = reset_state();
}

DcacheState Dcache::reset_state() const {
    DcacheState s;
    s.channel.assign(channels_, MemResponse{});
    s.lines.assign(sets_ * ways_, CacheLine{});
    for (unsigned k = 0; k < s.lines.size(); ++k) s.lines[k].age = k % ways_;
    return s;
}

void Dcache::memory_write(uint32_t address, uint64_t data, uint32_t mask) {
    d_.mem.write_valid = true;
    d_.mem.read_address = d_.mem.write_address = address;
    d_.mem.write_data = data;
    d_.mem.write_mask = mask;
}

void Dcache::memory_read(uint32_t address) {
    d_.mem.read_valid = true;
    d_.mem.read_address = d_.mem.write_address = address;
}

// The way becomes the most recently used of its set; the ways used since it age by one.
void Dcache::touch(unsigned set, unsigned way) {
    const uint32_t age = q.lines[set * ways_ + way].age;
    for (unsigned u = 0; u < ways_; ++u) {
        if (q.lines[set * ways_ + u].age < age) line(set, u).age = q.lines[set * ways_ + u].age + 1;
    }
    line(set, way).age = 0;
}

uint64_t Dcache::merge(uint64_t data, uint64_t with, uint32_t mask) const {
    const uint64_t word = data_bits_ >= 64 ? ~0ull : (1ull << data_bits_) - 1;
    for (unsigned j = 0; j < words_; ++j) {
        if ((mask >> j) & 1) data = (data & ~(word << (j * data_bits_))) | (with & (word << (j * data_bits_)));
    }
    return data;
}

// Takes the lowest channel with a request and looks it up.
void Dcache::idle(const std::vector<MemRequest>& requests) {
    for (unsigned i = 0; i < channels_; ++i) {
        const MemRequest& r = requests[i];
        if (!r.read_valid && !r.write_valid) continue;
        const bool write = !r.read_valid;
        const uint32_t addr = write ? r.write_address : r.read_address;
        d_.port = i;
        d_.write = write;
        d_.addr = addr;
        d_.wdata = r.write_data;
        d_.wmask = r.write_mask;
        const unsigned set = set_of(addr);
        unsigned way = ways_;
        for (unsigned w = 0; w < ways_; ++w) {
            const CacheLine& l = q.lines[set * ways_ + w];
            if (l.valid && l.tag == addr) way = w;
        }
        d_.hit = way < ways_;
        if (d_.hit) {
            ++d_.hits;
            d_.way = way;
        } else {
            ++d_.misses;
        }
        if (write && !write_back_) {   // every write goes to memory; a hit also updates the line
            memory_write(addr, r.write_data, r.write_mask);
            d_.state = CacheState::WriteThrough;
            return;
        }
        if (d_.hit) {
            d_.count = hit_latency_;
            d_.state = CacheState::Hit;
            return;
        }
        unsigned victim = ways_;   // the lowest free way, else the least recently used
        for (unsigned w = 0; w < ways_ && victim == ways_; ++w) {
            if (!q.lines[set * ways_ + w].valid) victim = w;
        }
        for (unsigned w = 0; w < ways_ && victim == ways_; ++w) {
            if (q.lines[set * ways_ + w].age == ways_ - 1) victim = w;
        }
        d_.way = victim;
        const CacheLine& old = q.lines[set * ways_ + victim];
        if (old.valid) ++d_.evictions;
        if (old.valid && old.dirty) {
            ++d_.writebacks;
            memory_write(old.tag, old.data, (1u << words_) - 1);
            d_.state = CacheState::Evict;
        } else {
            memory_read(addr);
            d_.state = CacheState::Fill;
        }
        return;
    }
}

void Dcache::evaluate(bool reset, const std::vector<MemRequest>& requests, bool flush, const MemResponse& memory) {
    d_ = q;
    if (reset) {
        d_ = reset_state();
        return;
    }
    const unsigned set = set_of(q.addr);
    switch (q.state) {
    case CacheState::Idle:
        if (flush) {
            d_.state = CacheState::Flush;
        } else {
            idle(requests);
        }
        break;
    case CacheState::Evict:
        if (memory.write_ready) {
            d_.mem.write_valid = false;
            line(set, q.way).dirty = false;
            memory_read(q.addr);
            d_.state = CacheState::Fill;
        }
        break;
    case CacheState::Fill:
        if (memory.read_ready) {
            d_.mem.read_valid = false;
            CacheLine& l = line(set, q.way);
            l.valid = true;
            l.dirty = false;
            l.tag = q.addr;
            l.data = memory.read_data;
            d_.count = hit_latency_;
            d_.state = CacheState::Hit;
        }
        break;
    case CacheState::Hit:
        if (q.count != 0) {
            d_.count = q.count - 1;
            break;
        }
        if (q.write) {
            CacheLine& l = line(set, q.way);
            l.data = merge(q.lines[set * ways_ + q.way].data, q.wdata, q.wmask);
            l.dirty = true;
            d_.channel[q.port].write_ready = true;
        } else {
            d_.channel[q.port].read_data = q.lines[set * ways_ + q.way].data;
            d_.channel[q.port].read_ready = true;
        }
        touch(set, q.way);
        d_.state = CacheState::Respond;
        break;
    case CacheState::WriteThrough:
        if (memory.write_ready) {
            d_.mem.write_valid = false;
            d_.channel[q.port].write_ready = true;
            if (q.hit) {
                line(set, q.way).data = merge(q.lines[set * ways_ + q.way].data, q.wdata, q.wmask);
                touch(set, q.way);
            }
            d_.state = CacheState::Respond;
        }
        break;
    case CacheState::Respond:
        d_.channel[q.port].read_ready = false;
        d_.channel[q.port].write_ready = false;
        d_.state = CacheState::Idle;
        break;
    case CacheState::Flush:
        if (q.mem.write_valid) {
            if (memory.write_ready) {
                d_.mem.write_valid = false;
                line(set, q.way).dirty = false;
            }
            break;
        }
        d_.state = CacheState::Done;
        for (unsigned k = 0; k < q.lines.size(); ++k) {
            const CacheLine& l = q.lines[k];
            if (!l.valid || !l.dirty) continue;
            d_.addr = l.tag;
            d_.way = k % ways_;
            ++d_.writebacks;
            memory_write(l.tag, l.data, (1u << words_) - 1);
            d_.state = CacheState::Flush;
            break;
        }
        break;
    case CacheState::Done:
        if (!flush) d_.state = CacheState::Idle;
        break;
    }
}

void Dcache::observe(CacheView& out) const {
    observe_counters(out);
    out.port = q.port;
    out.addr = q.addr;
    out.way = q.way;
    out.count = q.count;
    out.hit = q.hit;
    for (size_t k = 0; k < q.lines.size(); ++k) {
        const CacheLine& l = q.lines[k];
        out.valid[k] = l.valid;
        out.dirty[k] = l.dirty;
        out.tag[k] = l.tag;
        out.age[k] = l.age;
        out.data[k] = l.data;
    }
}

void Dcache::observe_counters(CacheView& out) const {
    out.state = q.state;
    out.hits = q.hits;
    out.misses = q.misses;
    out.evictions = q.evictions;
    out.writebacks = q.writebacks;
}

}  // namespace lockstep::gpu
