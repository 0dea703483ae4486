#include "gpu/coalescer.h"

namespace lockstep::gpu {

Coalescer::Coalescer(unsigned contexts, unsigned threads_per_block, unsigned data_bits, unsigned segment_words)
    : tpb_(threads_per_block),
      data_bits_(data_bits),
      word_mask_(data_bits >= 32 ? ~0u : (1u << data_bits) - 1),
      segment_words_(segment_words),
      requests_(contexts * threads_per_block),
      read_lead_(contexts * threads_per_block),
      write_lead_(contexts * threads_per_block) {}

const std::vector<MemRequest>& Coalescer::requests(const std::vector<MemRequest>& lanes) {
    for (unsigned first = 0; first < lanes.size(); first += tpb_) {   // one context (warp) at a time
        for (unsigned i = first; i < first + tpb_; ++i) {
            const MemRequest& lane = lanes[i];
            MemRequest& out = requests_[i];
            read_lead_[i] = write_lead_[i] = i;
            out = MemRequest{};
            out.read_address = segment(lane.read_address);
            out.write_address = segment(lane.write_address);
            if (lane.read_valid) {
                unsigned l = first;
                while (!(lanes[l].read_valid && segment(lanes[l].read_address) == out.read_address)) ++l;
                read_lead_[i] = l;
                out.read_valid = l == i;
            }
            if (lane.write_valid) {
                unsigned l = first;
                while (!(lanes[l].write_valid && segment(lanes[l].write_address) == out.write_address)) ++l;
                write_lead_[i] = l;
                out.write_valid = l == i;
            }
            if (!out.write_valid) continue;
            // This lane's and the later lanes' words of its segment; a later lane's word wins.
            for (unsigned j = i; j < first + tpb_; ++j) {
                const MemRequest& other = lanes[j];
                if (!other.write_valid || segment(other.write_address) != out.write_address) continue;
                const unsigned k = offset(other.write_address);
                out.write_data = (out.write_data & ~(uint64_t{word_mask_} << (k * data_bits_))) |
                                 (uint64_t{other.write_data & word_mask_} << (k * data_bits_));
                out.write_mask |= 1u << k;
            }
        }
    }
    return requests_;
}

MemResponse Coalescer::response(unsigned i, const std::vector<MemRequest>& lanes,
                                const std::vector<MemResponse>& controller) const {
    const MemRequest& lane = lanes[i];
    const MemResponse& read = controller[read_lead_[i]];
    MemResponse out;
    out.read_ready = read.read_ready;
    out.read_data = word(read.read_data, offset(lane.read_address));
    out.write_ready = controller[write_lead_[i]].write_ready;
    return out;
}

}  // namespace lockstep::gpu
