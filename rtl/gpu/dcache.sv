// Data cache: a blocking, set-associative cache of segments between the data controller's
// channels and data memory, which it reaches through one channel of its own
// (docs/architecture.md, "Data cache"). One request is served at a time, the lowest channel
// first; replacement is LRU (age 0 = most recently used). Write-back allocates on a write miss
// and writes dirty lines back on eviction and at the flush that ends a kernel; write-through
// sends every write to memory and allocates only on a read miss.
module dcache import gpu_pkg::*; #(
  // Controller channels served (the data controller's DataChannels).
  parameter int unsigned NumChannels = 4,
  // Data word and address width.
  parameter int unsigned DataBits = 8,
  // Words a line (one segment) holds, a power of two.
  parameter int unsigned SegWords = 4,
  // Sets, a power of two.
  parameter int unsigned CacheSets = 4,
  // Lines a set (1..8).
  parameter int unsigned CacheWays = 2,
  // Extra cycles a hit waits before it answers (0..16).
  parameter int unsigned CacheHitLatency = 0,
  // 1: write-back with write-allocate; 0: write-through without write-allocate.
  parameter int unsigned CacheWriteBack = 1,
  // A line's bits.
  localparam int unsigned SegBits = SegWords * DataBits,
  // Lines, line k = s*CacheWays + w.
  localparam int unsigned Lines = CacheSets * CacheWays,
  // Width of an age and of a way index.
  localparam int unsigned AgeBits = (CacheWays > 1) ? $clog2(CacheWays) : 1,
  // Width of a channel index.
  localparam int unsigned PortBits = (NumChannels > 1) ? $clog2(NumChannels) : 1
) (
  input  logic                                 clk_i,
  input  logic                                 reset_i,
  // Controller side, per channel (the controller's mem_* ports).
  input  logic [NumChannels-1:0]               req_read_valid_i,
  input  logic [NumChannels-1:0][DataBits-1:0] req_read_address_i,
  output logic [NumChannels-1:0]               req_read_ready_o,
  output logic [NumChannels-1:0][SegBits-1:0]  req_read_data_o,
  input  logic [NumChannels-1:0]               req_write_valid_i,
  input  logic [NumChannels-1:0][DataBits-1:0] req_write_address_i,
  input  logic [NumChannels-1:0][SegBits-1:0]  req_write_data_i,
  input  logic [NumChannels-1:0][SegWords-1:0] req_write_mask_i,
  output logic [NumChannels-1:0]               req_write_ready_o,
  // Write the dirty lines back (the dispatcher's done).
  input  logic                                 flush_i,
  // Memory channel; one address serves both a read and a write.
  output logic                                 mem_read_valid_o,
  output logic                                 mem_write_valid_o,
  output logic [DataBits-1:0]                  mem_address_o,
  input  logic                                 mem_read_ready_i,
  input  logic [SegBits-1:0]                   mem_read_data_i,
  output logic [SegBits-1:0]                   mem_write_data_o,
  output logic [SegWords-1:0]                  mem_write_mask_o,
  input  logic                                 mem_write_ready_i,
  // Observation.
  output logic [2:0]                           dbg_state_o,
  output logic [PortBits-1:0]                  dbg_port_o,
  output logic [DataBits-1:0]                  dbg_addr_o,
  output logic [AgeBits-1:0]                   dbg_way_o,
  output logic [4:0]                           dbg_count_o,
  output logic                                 dbg_hit_o,
  output logic [Lines-1:0]                     dbg_valid_o,
  output logic [Lines-1:0]                     dbg_dirty_o,
  output logic [Lines-1:0][DataBits-1:0]       dbg_tag_o,
  output logic [Lines-1:0][AgeBits-1:0]        dbg_age_o,
  output logic [Lines-1:0][SegBits-1:0]        dbg_data_o,
  output logic [31:0]                          dbg_hits_o,
  output logic [31:0]                          dbg_misses_o,
  output logic [31:0]                          dbg_evictions_o,
  output logic [31:0]                          dbg_writebacks_o
);

  // Low address bits that pick a word within a segment.
  localparam int unsigned OffBits = $clog2(SegWords);

  cache_state_e                  state_d, state_q;
  logic [PortBits-1:0]           port_d, port_q;
  logic [DataBits-1:0]           addr_d, addr_q;
  logic                          write_d, write_q;
  logic [SegBits-1:0]            wdata_d, wdata_q;
  logic [SegWords-1:0]           wmask_d, wmask_q;
  logic [AgeBits-1:0]            way_d, way_q;
  logic                          hit_d, hit_q;
  logic [4:0]                    count_d, count_q;
  logic                          mem_read_valid_d, mem_read_valid_q;
  logic                          mem_write_valid_d, mem_write_valid_q;
  logic [DataBits-1:0]           mem_address_d, mem_address_q;
  logic [SegBits-1:0]            mem_write_data_d, mem_write_data_q;
  logic [SegWords-1:0]           mem_write_mask_d, mem_write_mask_q;
  logic [NumChannels-1:0]        read_ready_d, read_ready_q;
  logic [NumChannels-1:0][SegBits-1:0] read_data_d, read_data_q;
  logic [NumChannels-1:0]        write_ready_d, write_ready_q;
  logic [Lines-1:0]              valid_d, valid_q;
  logic [Lines-1:0]              dirty_d, dirty_q;
  logic [Lines-1:0][DataBits-1:0] tag_d, tag_q;
  logic [Lines-1:0][AgeBits-1:0] age_d, age_q;
  logic [Lines-1:0][SegBits-1:0] data_d, data_q;
  logic [31:0]                   hits_d, hits_q;
  logic [31:0]                   misses_d, misses_q;
  logic [31:0]                   evictions_d, evictions_q;
  logic [31:0]                   writebacks_d, writebacks_q;

  // set(a) of a segment address.
  function automatic int unsigned set_of(logic [DataBits-1:0] a);
    return (32'(a) >> OffBits) % CacheSets;
  endfunction

  // merge(line, data, mask): the words of `data` whose mask bit is set replace the line's.
  function automatic logic [SegBits-1:0] merge(logic [SegBits-1:0] line, logic [SegBits-1:0] data,
                                               logic [SegWords-1:0] mask);
    logic [SegBits-1:0] merged;
    merged = line;
    for (int unsigned j = 0; j < SegWords; j++) begin
      if (mask[j]) begin
        merged[j*DataBits +: DataBits] = data[j*DataBits +: DataBits];
      end
    end
    return merged;
  endfunction

  // touch(s, w) on the line selected in `sel` (of age `age_w`): the lines of its set younger
  // than it age by one and it becomes the most recently used.
  function automatic logic [Lines-1:0][AgeBits-1:0] touch(
      logic [Lines-1:0][AgeBits-1:0] age, logic [Lines-1:0] sel, logic [AgeBits-1:0] age_w);
    logic [Lines-1:0][AgeBits-1:0] aged;
    logic [CacheSets-1:0]          set_sel;
    aged    = age;
    set_sel = '0;
    for (int unsigned k = 0; k < Lines; k++) begin
      if (sel[k]) begin
        set_sel[k / CacheWays] = 1'b1;
      end
    end
    for (int unsigned k = 0; k < Lines; k++) begin
      if (sel[k]) begin
        aged[k] = '0;
      end else if (set_sel[k / CacheWays] && age[k] < age_w) begin
        aged[k] = age[k] + AgeBits'(1);
      end
    end
    return aged;
  endfunction

  // The request CacheIdle takes: the lowest channel with a read or a write, a read first.
  logic                  req_found;
  logic [PortBits-1:0]   req_port;
  logic                  req_write;
  logic [DataBits-1:0]   req_addr;
  logic [SegBits-1:0]    req_wdata;
  logic [SegWords-1:0]   req_wmask;

  always_comb begin : p_request
    req_found = 1'b0;
    req_port  = '0;
    req_write = 1'b0;
    req_addr  = '0;
    req_wdata = '0;
    req_wmask = '0;
    for (int unsigned i = 0; i < NumChannels; i++) begin
      if (!req_found && (req_read_valid_i[i] || req_write_valid_i[i])) begin
        req_found = 1'b1;
        req_port  = PortBits'(i);
        req_write = !req_read_valid_i[i];
        req_addr  = req_read_valid_i[i] ? req_read_address_i[i] : req_write_address_i[i];
        req_wdata = req_write_data_i[i];
        req_wmask = req_write_mask_i[i];
      end
    end
  end

  // In the request's set: lookup(req_addr), the valid way holding it; victim, the lowest way
  // that is not valid, else the least recently used one (age CacheWays-1), and its line.
  logic               lookup_hit;
  logic [AgeBits-1:0] lookup_way;
  logic               victim_free;
  logic [AgeBits-1:0] victim_way;
  logic               victim_valid, victim_dirty;
  logic [DataBits-1:0] victim_tag;
  logic [SegBits-1:0] victim_data;

  always_comb begin : p_lookup
    int unsigned s;
    s           = set_of(req_addr);
    lookup_hit  = 1'b0;
    lookup_way  = '0;
    victim_free = 1'b0;
    victim_way  = '0;
    for (int unsigned k = 0; k < Lines; k++) begin
      if (k / CacheWays == s) begin
        if (valid_q[k] && tag_q[k] == req_addr) begin
          lookup_hit = 1'b1;
          lookup_way = AgeBits'(k % CacheWays);
        end
        if (!victim_free && !valid_q[k]) begin
          victim_free = 1'b1;
          victim_way  = AgeBits'(k % CacheWays);
        end
      end
    end
    if (!victim_free) begin
      for (int unsigned k = 0; k < Lines; k++) begin
        if (k / CacheWays == s && 32'(age_q[k]) == CacheWays - 1) begin
          victim_way = AgeBits'(k % CacheWays);
        end
      end
    end
    victim_valid = 1'b0;
    victim_dirty = 1'b0;
    victim_tag   = '0;
    victim_data  = '0;
    for (int unsigned k = 0; k < Lines; k++) begin
      if (k / CacheWays == s && AgeBits'(k % CacheWays) == victim_way) begin
        victim_valid = valid_q[k];
        victim_dirty = dirty_q[k];
        victim_tag   = tag_q[k];
        victim_data  = data_q[k];
      end
    end
  end

  // The line in hand, (set(addr_q), way_q), and its age.
  logic [Lines-1:0]   line_sel;
  logic [AgeBits-1:0] line_age;

  always_comb begin : p_line
    line_age = '0;
    for (int unsigned k = 0; k < Lines; k++) begin
      line_sel[k] = k / CacheWays == set_of(addr_q) && AgeBits'(k % CacheWays) == way_q;
      if (line_sel[k]) begin
        line_age = age_q[k];
      end
    end
  end

  // The lowest valid and dirty line, which CacheFlush writes back next.
  logic                dirty_found;
  logic [AgeBits-1:0]  dirty_way;
  logic [DataBits-1:0] dirty_tag;
  logic [SegBits-1:0]  dirty_data;

  always_comb begin : p_dirty
    dirty_found = 1'b0;
    dirty_way   = '0;
    dirty_tag   = '0;
    dirty_data  = '0;
    for (int unsigned k = 0; k < Lines; k++) begin
      if (!dirty_found && valid_q[k] && dirty_q[k]) begin
        dirty_found = 1'b1;
        dirty_way   = AgeBits'(k % CacheWays);
        dirty_tag   = tag_q[k];
        dirty_data  = data_q[k];
      end
    end
  end

  always_comb begin : p_next
    state_d           = state_q;
    port_d            = port_q;
    addr_d            = addr_q;
    write_d           = write_q;
    wdata_d           = wdata_q;
    wmask_d           = wmask_q;
    way_d             = way_q;
    hit_d             = hit_q;
    count_d           = count_q;
    mem_read_valid_d  = mem_read_valid_q;
    mem_write_valid_d = mem_write_valid_q;
    mem_address_d     = mem_address_q;
    mem_write_data_d  = mem_write_data_q;
    mem_write_mask_d  = mem_write_mask_q;
    read_ready_d      = read_ready_q;
    read_data_d       = read_data_q;
    write_ready_d     = write_ready_q;
    valid_d           = valid_q;
    dirty_d           = dirty_q;
    tag_d             = tag_q;
    age_d             = age_q;
    data_d            = data_q;
    hits_d            = hits_q;
    misses_d          = misses_q;
    evictions_d       = evictions_q;
    writebacks_d      = writebacks_q;

    unique case (state_q)
      CacheIdle: begin
        if (flush_i) begin
          state_d = CacheFlush;
        end else if (req_found) begin
          port_d  = req_port;
          write_d = req_write;
          addr_d  = req_addr;
          wdata_d = req_wdata;
          wmask_d = req_wmask;
          if (lookup_hit) begin
            hits_d = hits_q + 32'd1;
            way_d  = lookup_way;
            hit_d  = 1'b1;
          end else begin
            misses_d = misses_q + 32'd1;
            hit_d    = 1'b0;
          end
          if (req_write && CacheWriteBack == 0) begin
            // Write-through: every write goes to memory; a miss allocates no line.
            mem_write_valid_d = 1'b1;
            mem_address_d     = req_addr;
            mem_write_data_d  = req_wdata;
            mem_write_mask_d  = req_wmask;
            state_d           = CacheWriteThrough;
          end else if (lookup_hit) begin
            count_d = 5'(CacheHitLatency);
            state_d = CacheHit;
          end else begin
            way_d = victim_way;
            if (victim_valid) begin
              evictions_d = evictions_q + 32'd1;
            end
            if (victim_valid && victim_dirty) begin
              // The victim goes to memory whole before its way is refilled.
              writebacks_d      = writebacks_q + 32'd1;
              mem_write_valid_d = 1'b1;
              mem_address_d     = victim_tag;
              mem_write_data_d  = victim_data;
              mem_write_mask_d  = '1;
              state_d           = CacheEvict;
            end else begin
              mem_read_valid_d = 1'b1;
              mem_address_d    = req_addr;
              state_d          = CacheFill;
            end
          end
        end
      end
      CacheEvict: begin
        if (mem_write_ready_i) begin
          mem_write_valid_d = 1'b0;
          dirty_d           = dirty_q & ~line_sel;
          mem_read_valid_d  = 1'b1;
          mem_address_d     = addr_q;
          state_d           = CacheFill;
        end
      end
      CacheFill: begin
        if (mem_read_ready_i) begin
          mem_read_valid_d = 1'b0;
          for (int unsigned k = 0; k < Lines; k++) begin
            if (line_sel[k]) begin
              valid_d[k] = 1'b1;
              dirty_d[k] = 1'b0;
              tag_d[k]   = addr_q;
              data_d[k]  = mem_read_data_i;
            end
          end
          count_d = 5'(CacheHitLatency);
          state_d = CacheHit;
        end
      end
      CacheHit: begin
        if (count_q != 5'd0) begin
          count_d = count_q - 5'd1;
        end else begin
          // Only write-back writes get here; write-through ones go through CacheWriteThrough.
          for (int unsigned i = 0; i < NumChannels; i++) begin
            if (port_q == PortBits'(i)) begin
              if (write_q) begin
                write_ready_d[i] = 1'b1;
              end else begin
                read_ready_d[i] = 1'b1;
              end
            end
          end
          for (int unsigned k = 0; k < Lines; k++) begin
            if (line_sel[k]) begin
              if (write_q) begin
                data_d[k]  = merge(data_q[k], wdata_q, wmask_q);
                dirty_d[k] = 1'b1;
              end else begin
                for (int unsigned i = 0; i < NumChannels; i++) begin
                  if (port_q == PortBits'(i)) begin
                    read_data_d[i] = data_q[k];
                  end
                end
              end
            end
          end
          age_d   = touch(age_q, line_sel, line_age);
          state_d = CacheRespond;
        end
      end
      CacheWriteThrough: begin
        if (mem_write_ready_i) begin
          mem_write_valid_d = 1'b0;
          for (int unsigned i = 0; i < NumChannels; i++) begin
            if (port_q == PortBits'(i)) begin
              write_ready_d[i] = 1'b1;
            end
          end
          // A hit keeps the cached copy equal to memory.
          if (hit_q) begin
            for (int unsigned k = 0; k < Lines; k++) begin
              if (line_sel[k]) begin
                data_d[k] = merge(data_q[k], wdata_q, wmask_q);
              end
            end
            age_d = touch(age_q, line_sel, line_age);
          end
          state_d = CacheRespond;
        end
      end
      CacheRespond: begin
        // The controller drops its request at this edge, so CacheIdle never sees it again.
        for (int unsigned i = 0; i < NumChannels; i++) begin
          if (port_q == PortBits'(i)) begin
            read_ready_d[i]  = 1'b0;
            write_ready_d[i] = 1'b0;
          end
        end
        state_d = CacheIdle;
      end
      CacheFlush: begin
        if (mem_write_valid_q) begin
          if (mem_write_ready_i) begin
            mem_write_valid_d = 1'b0;
            dirty_d           = dirty_q & ~line_sel;
          end
        end else if (dirty_found) begin
          addr_d            = dirty_tag;
          way_d             = dirty_way;
          writebacks_d      = writebacks_q + 32'd1;
          mem_write_valid_d = 1'b1;
          mem_address_d     = dirty_tag;
          mem_write_data_d  = dirty_data;
          mem_write_mask_d  = '1;
        end else begin
          state_d = CacheDone;
        end
      end
      CacheDone: begin
        // The lines stay for the next launch.
        if (!flush_i) begin
          state_d = CacheIdle;
        end
      end
      default: begin
        state_d = CacheIdle;
      end
    endcase
  end

  // Ages start as a permutation in every set: way w has age w.
  function automatic logic [Lines-1:0][AgeBits-1:0] initial_ages();
    logic [Lines-1:0][AgeBits-1:0] ages;
    for (int unsigned k = 0; k < Lines; k++) begin
      ages[k] = AgeBits'(k % CacheWays);
    end
    return ages;
  endfunction

  always_ff @(posedge clk_i) begin
    if (reset_i) begin
      state_q           <= CacheIdle;
      port_q            <= '0;
      addr_q            <= '0;
      write_q           <= 1'b0;
      wdata_q           <= '0;
      wmask_q           <= '0;
      way_q             <= '0;
      hit_q             <= 1'b0;
      count_q           <= '0;
      mem_read_valid_q  <= 1'b0;
      mem_write_valid_q <= 1'b0;
      mem_address_q     <= '0;
      mem_write_data_q  <= '0;
      mem_write_mask_q  <= '0;
      read_ready_q      <= '0;
      read_data_q       <= '0;
      write_ready_q     <= '0;
      valid_q           <= '0;
      dirty_q           <= '0;
      tag_q             <= '0;
      age_q             <= initial_ages();
      data_q            <= '0;
      hits_q            <= '0;
      misses_q          <= '0;
      evictions_q       <= '0;
      writebacks_q      <= '0;
    end else begin
      state_q           <= state_d;
      port_q            <= port_d;
      addr_q            <= addr_d;
      write_q           <= write_d;
      wdata_q           <= wdata_d;
      wmask_q           <= wmask_d;
      way_q             <= way_d;
      hit_q             <= hit_d;
      count_q           <= count_d;
      mem_read_valid_q  <= mem_read_valid_d;
      mem_write_valid_q <= mem_write_valid_d;
      mem_address_q     <= mem_address_d;
      mem_write_data_q  <= mem_write_data_d;
      mem_write_mask_q  <= mem_write_mask_d;
      read_ready_q      <= read_ready_d;
      read_data_q       <= read_data_d;
      write_ready_q     <= write_ready_d;
      valid_q           <= valid_d;
      dirty_q           <= dirty_d;
      tag_q             <= tag_d;
      age_q             <= age_d;
      data_q            <= data_d;
      hits_q            <= hits_d;
      misses_q          <= misses_d;
      evictions_q       <= evictions_d;
      writebacks_q      <= writebacks_d;
    end
  end

  assign req_read_ready_o  = read_ready_q;
  assign req_read_data_o   = read_data_q;
  assign req_write_ready_o = write_ready_q;
  assign mem_read_valid_o  = mem_read_valid_q;
  assign mem_write_valid_o = mem_write_valid_q;
  assign mem_address_o     = mem_address_q;
  assign mem_write_data_o  = mem_write_data_q;
  assign mem_write_mask_o  = mem_write_mask_q;

  assign dbg_state_o      = state_q;
  assign dbg_port_o       = port_q;
  assign dbg_addr_o       = addr_q;
  assign dbg_way_o        = way_q;
  assign dbg_count_o      = count_q;
  assign dbg_hit_o        = hit_q;
  assign dbg_valid_o      = valid_q;
  assign dbg_dirty_o      = dirty_q;
  assign dbg_tag_o        = tag_q;
  assign dbg_age_o        = age_q;
  assign dbg_data_o       = data_q;
  assign dbg_hits_o       = hits_q;
  assign dbg_misses_o     = misses_q;
  assign dbg_evictions_o  = evictions_q;
  assign dbg_writebacks_o = writebacks_q;

  // Assertions (checked at every rising edge when the RTL runs with --assert).

  // Whether set s's ages in `age` are a permutation of 0..CacheWays-1 (each age held once).
  function automatic logic ages_permute(logic [Lines-1:0][AgeBits-1:0] age, int unsigned s);
    logic [CacheWays-1:0] seen;
    seen = '0;
    for (int unsigned w = 0; w < CacheWays; w++) begin
      for (int unsigned a = 0; a < CacheWays; a++) begin
        if (32'(age[s*CacheWays + w]) == a) begin
          seen[a] = 1'b1;
        end
      end
    end
    return &seen;
  endfunction

  for (genvar s = 0; s < CacheSets; s++) begin : g_set_check
    // LRU order stays a ranking: no two ways of a set share an age.
    CacheAgesPermute: assert property (@(posedge clk_i) disable iff (reset_i)
        ages_permute(age_d, s))
      else $error("set %0d ages %h are not a permutation of 0..%0d", s,
                  age_d[s*CacheWays +: CacheWays], CacheWays - 1);
  end

  // Blocking: one memory request and one answer to the controller at a time.
  CacheOneRequestAtATime: assert property (@(posedge clk_i) disable iff (reset_i)
      !(mem_read_valid_d && mem_write_valid_d) && $onehot0({read_ready_d, write_ready_d}))
    else $error("memory read %0d and write %0d, read ready %b and write ready %b at once",
                mem_read_valid_d, mem_write_valid_d, read_ready_d, write_ready_d);

endmodule
