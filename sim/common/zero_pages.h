// Large arrays that start zeroed without writing the zeros: the memory comes straight from the
// kernel as fresh anonymous pages, which read as zero and cost neither time nor memory until
// they are first written. The systolic array's SRAMs (2^buffer_addr_bits words each, 8 MB at
// 21 bits) use it, so a run that touches a small part of them does not fault in the rest.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>
#include <vector>

namespace lockstep {

template <typename T>
struct ZeroPageAllocator {
    using value_type = T;

    ZeroPageAllocator() = default;
    template <typename U>
    ZeroPageAllocator(const ZeroPageAllocator<U>&) noexcept {}

    T* allocate(size_t n) {
        void* p = mmap(nullptr, n * sizeof(T), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw std::bad_alloc();
        return static_cast<T*>(p);
    }
    void deallocate(T* p, size_t n) noexcept { munmap(p, n * sizeof(T)); }

    // Value-initialisation writes nothing: fresh pages are zero already. (So a vector of these
    // must not shrink and grow again, which would bring back old elements instead of zeros;
    // ZeroedWords only ever gets its size when it is made.)
    template <typename U>
    void construct(U*) noexcept {}
    template <typename U, typename... Args>
    void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }

    template <typename U>
    bool operator==(const ZeroPageAllocator<U>&) const noexcept { return true; }
    template <typename U>
    bool operator!=(const ZeroPageAllocator<U>&) const noexcept { return false; }
};

// Words that start at zero; zero them again by assigning a new one (`w = ZeroedWords(n)`),
// which hands the old pages back rather than writing every word.
using ZeroedWords = std::vector<int32_t, ZeroPageAllocator<int32_t>>;

}  // namespace lockstep
