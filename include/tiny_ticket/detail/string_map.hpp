// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "hash.hpp"

namespace tiny_ticket::detail {

/// Immutable open-addressing map from string to int32, built once at load.
/// Keys live in one contiguous arena so a lookup touches two cache lines at
/// most and never allocates; std::unordered_map<std::string,int> needs a
/// node per key and a std::string temporary per lookup. Slots are 16 bytes
/// (four per cache line): a 32-bit tag from the hash's high half rules out
/// other keys before the arena is read.
class string_map {
public:
    string_map() = default;

    /// Adds a key; returns false if it was already present (value unchanged).
    bool insert(std::string_view key, std::int32_t value) {
        if ((count_ + 1) * 2 > slots_.size()) grow();
        return insert_nogrow(key, value);
    }

    /// Value of `key`, or -1 when absent. Never allocates.
    std::int32_t find(std::string_view key) const noexcept { return find_hashed(key, hash(key)); }

    /// find() with `h == hash(key)` already computed (one hash, several maps).
    std::int32_t find_hashed(std::string_view key, std::uint64_t h) const noexcept {
        if (slots_.empty()) return -1;
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = static_cast<std::size_t>(h) & mask;; i = (i + 1) & mask) {
            const slot& s = slots_[i];
            if (s.value < 0) return -1;
            if (s.tag == tag_of(h) && s.len == key.size() && equal(arena_.data() + s.offset, key.data(), key.size()))
                return s.value;
        }
    }

    /// The hash used by find(). Not stable across platforms or versions (it
    /// never leaves the process). Keys are mostly short words: those of up
    /// to 8 bytes are read with at most two loads, longer ones 8 bytes at a
    /// time, instead of one multiply per byte.
    static std::uint64_t hash(std::string_view key) noexcept {
        const char* p = key.data();
        std::size_t n = key.size();
        std::uint64_t h = 0x9e3779b97f4a7c15ull ^ (static_cast<std::uint64_t>(n) * 0xc2b2ae3d27d4eb4full);
        if (n <= 8) {
            std::uint64_t v = 0;
            if (n >= 4) {
                v = (static_cast<std::uint64_t>(load32(p)) << 32) | load32(p + n - 4);
            } else if (n > 0) {
                v = (static_cast<std::uint64_t>(static_cast<unsigned char>(p[0])) << 16) |
                    (static_cast<std::uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8) |
                    static_cast<unsigned char>(p[n - 1]);
            }
            return mix64(h ^ v);
        }
        while (n > 8) {
            h = (h ^ load64(p)) * 0x9fb21c651e98df25ull;
            h ^= h >> 29;
            p += 8;
            n -= 8;
        }
        return mix64(h ^ load64(p + n - 8));  // the last 8 bytes, overlapping
    }

    /// Calls `f(key, value)` for every entry, in no particular order.
    template <class F>
    void for_each(F&& f) const {
        for (const slot& s : slots_)
            if (s.value >= 0) f(std::string_view(arena_.data() + s.offset, s.len), s.value);
    }

    std::size_t size() const noexcept { return count_; }
    bool empty() const noexcept { return count_ == 0; }
    /// Bytes held, for memory accounting.
    std::size_t memory_bytes() const noexcept { return slots_.capacity() * sizeof(slot) + arena_.capacity(); }

    void reserve(std::size_t n) {
        std::size_t cap = 16;
        while (cap < n * 2) cap <<= 1;
        if (cap > slots_.size()) rehash(cap);
    }

private:
    struct slot {
        std::uint32_t tag = 0;
        std::int32_t value = -1;
        std::uint32_t offset = 0;
        std::uint32_t len = 0;
    };

    static std::uint32_t tag_of(std::uint64_t h) noexcept { return static_cast<std::uint32_t>(h >> 32); }

    bool insert_nogrow(std::string_view key, std::int32_t value) {
        const std::uint64_t h = hash(key);
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = static_cast<std::size_t>(h) & mask;; i = (i + 1) & mask) {
            slot& s = slots_[i];
            if (s.value < 0) {
                s.tag = tag_of(h);
                s.offset = static_cast<std::uint32_t>(arena_.size());
                s.len = static_cast<std::uint32_t>(key.size());
                s.value = value;
                arena_.append(key.data(), key.size());
                ++count_;
                return true;
            }
            if (s.tag == tag_of(h) && s.len == key.size() && equal(arena_.data() + s.offset, key.data(), key.size()))
                return false;
        }
    }

    static std::uint32_t load32(const char* p) noexcept {
        std::uint32_t v;
        std::memcpy(&v, p, 4);
        return v;
    }
    static std::uint64_t load64(const char* p) noexcept {
        std::uint64_t v;
        std::memcpy(&v, p, 8);
        return v;
    }
    // Short keys compare inline; a memcmp call costs more than the compare.
    static bool equal(const char* a, const char* b, std::size_t n) noexcept {
        if (n > 16) return load64(a + n - 8) == load64(b + n - 8) && std::memcmp(a, b, n - 8) == 0;
        if (n >= 8) return load64(a) == load64(b) && load64(a + n - 8) == load64(b + n - 8);
        if (n >= 4) return load32(a) == load32(b) && load32(a + n - 4) == load32(b + n - 4);
        for (std::size_t i = 0; i < n; ++i)
            if (a[i] != b[i]) return false;
        return true;
    }

    void grow() { rehash(slots_.empty() ? 16 : slots_.size() * 2); }

    void rehash(std::size_t cap) {
        std::vector<slot> old = std::move(slots_);
        slots_.assign(cap, slot{});
        const std::size_t mask = cap - 1;
        for (const slot& s : old) {
            if (s.value < 0) continue;
            const std::uint64_t h = hash(std::string_view(arena_.data() + s.offset, s.len));
            std::size_t i = static_cast<std::size_t>(h) & mask;
            while (slots_[i].value >= 0) i = (i + 1) & mask;
            slots_[i] = s;
        }
    }

    std::vector<slot> slots_;
    std::string arena_;
    std::size_t count_ = 0;
};

}  // namespace tiny_ticket::detail
