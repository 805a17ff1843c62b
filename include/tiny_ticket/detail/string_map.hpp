// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hash.hpp"

namespace tiny_ticket::detail {

/// Immutable open-addressing map from string to int32, built once at load.
/// Keys live in one contiguous arena so a lookup touches two cache lines at
/// most and never allocates; std::unordered_map<std::string,int> needs a
/// node per key and a std::string temporary per lookup.
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

    std::int32_t find_hashed(std::string_view key, std::uint64_t h) const noexcept {
        if (slots_.empty()) return -1;
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = static_cast<std::size_t>(h) & mask;; i = (i + 1) & mask) {
            const slot& s = slots_[i];
            if (s.value < 0) return -1;
            if (s.hash == h && s.len == key.size() &&
                (key.empty() || std::memcmp(arena_.data() + s.offset, key.data(), key.size()) == 0))
                return s.value;
        }
    }

    static std::uint64_t hash(std::string_view key) noexcept { return mix64(fnv1a(key)); }

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
        std::uint64_t hash = 0;
        std::uint32_t offset = 0;
        std::uint32_t len = 0;
        std::int32_t value = -1;
    };

    bool insert_nogrow(std::string_view key, std::int32_t value) {
        const std::uint64_t h = hash(key);
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = static_cast<std::size_t>(h) & mask;; i = (i + 1) & mask) {
            slot& s = slots_[i];
            if (s.value < 0) {
                s.hash = h;
                s.offset = static_cast<std::uint32_t>(arena_.size());
                s.len = static_cast<std::uint32_t>(key.size());
                s.value = value;
                arena_.append(key.data(), key.size());
                ++count_;
                return true;
            }
            if (s.hash == h && s.len == key.size() &&
                (key.empty() || std::memcmp(arena_.data() + s.offset, key.data(), key.size()) == 0))
                return false;
        }
    }

    void grow() { rehash(slots_.empty() ? 16 : slots_.size() * 2); }

    void rehash(std::size_t cap) {
        std::vector<slot> old = std::move(slots_);
        slots_.assign(cap, slot{});
        const std::size_t mask = cap - 1;
        for (const slot& s : old) {
            if (s.value < 0) continue;
            std::size_t i = static_cast<std::size_t>(s.hash) & mask;
            while (slots_[i].value >= 0) i = (i + 1) & mask;
            slots_[i] = s;
        }
    }

    std::vector<slot> slots_;
    std::string arena_;
    std::size_t count_ = 0;
};

}  // namespace tiny_ticket::detail
