// SPDX-License-Identifier: MIT
// Structure-aware artifact fuzzing: start from a valid artifact (the toy model
// in both weight encodings, or a small reference export), apply
// fuzzer-chosen edits to its JSON tree -- numbers, sizes, types, deleted or
// duplicated keys, resized arrays, spliced subtrees -- and load the result.
// Reaching deep validation paths this way is far faster than from raw bytes.

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "fuzz_common.hpp"

namespace {

using nlohmann::json;

const std::vector<json>& bases() {
    static const std::vector<json> b = {
        json::parse(fuzz::toy_artifact(tiny_ticket::weight_encoding::arrays, false)),
        json::parse(fuzz::toy_artifact(tiny_ticket::weight_encoding::base64, true)),
        fuzz::tickets_inf_export(),
    };
    return b;
}

const char* const k_strings[] = {"", "f32", "f64", "i8", "dense", "relu", "softmax", "sigmoid", "linear_int8_per_row",
                                 "<unk>", "<pad>", "AAAA", "AAA=", "AA==", "====", "token", "substring", "log1p",
                                 "count", "binary", "tiny_ticket", "refund", "a b", "not received", "-x", "~/"};
const char* const k_keys[] = {"format", "version", "in", "out", "weights", "bias", "dtype", "base64", "shape", "scale",
                              "labels", "name", "kind", "vocab", "dim", "unk", "max_tokens", "buckets", "min_n",
                              "max_n", "lexicon", "max_repeat", "emoji", "self_test", "cases", "tolerance", "metrics",
                              "in_features", "out_features", "weight", "type", "layers", "heads", "embedding"};

std::int64_t interesting_int(FuzzedDataProvider& in) {
    static const std::int64_t v[] = {0, 1, -1, 2, 3, 4, 5, 6, 8, 32, 33, 64, 127, 128, 255, 256, 4095, 4096, 65535,
                                     65536, 1 << 24, (1ll << 31) - 1, 1ll << 31, 1ll << 32, 1ll << 40, 1ll << 53,
                                     std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()};
    return in.ConsumeBool() ? in.PickValueInArray(v) : in.ConsumeIntegral<std::int64_t>();
}

/// A node reached by walking down from the root, with its parent.
struct place {
    json* node;
    json* parent;
};

place pick(json& root, FuzzedDataProvider& in) {
    place p{&root, nullptr};
    for (int depth = 0; depth < 12; ++depth) {
        json& n = *p.node;
        if (!(n.is_array() || n.is_object()) || n.empty() || in.ConsumeIntegralInRange(0, 3) == 0) break;
        const std::size_t k = in.ConsumeIntegralInRange<std::size_t>(0, n.size() - 1);
        json* child = nullptr;
        if (n.is_array()) {
            child = &n[k];
        } else {
            auto it = n.begin();
            std::advance(it, static_cast<std::ptrdiff_t>(k));
            child = &*it;
        }
        p = {child, &n};
    }
    return p;
}

void mutate(json& root, FuzzedDataProvider& in) {
    place p = pick(root, in);
    json& n = *p.node;
    switch (in.ConsumeIntegralInRange(0, 14)) {
        case 0: n = interesting_int(in); break;
        case 1: n = in.ConsumeIntegral<std::uint64_t>(); break;
        case 2: n = in.ConsumeFloatingPoint<double>(); break;
        case 3: n = in.ConsumeBool() ? std::string(in.PickValueInArray(k_strings)) : in.ConsumeRandomLengthString(64); break;
        case 4:
            if (in.ConsumeBool()) n = in.ConsumeBool();
            else n = nullptr;
            break;
        case 5: n = in.ConsumeBool() ? json::array() : json::object(); break;
        case 6:  // delete the node from its parent
            if (p.parent && p.parent->is_object()) {
                for (auto it = p.parent->begin(); it != p.parent->end(); ++it)
                    if (&*it == p.node) {
                        p.parent->erase(it);
                        break;
                    }
            } else if (p.parent && p.parent->is_array()) {
                for (std::size_t i = 0; i < p.parent->size(); ++i)
                    if (&(*p.parent)[i] == p.node) {
                        p.parent->erase(i);
                        break;
                    }
            }
            break;
        case 7:  // resize an array: truncate, or repeat its last element
            if (n.is_array()) {
                const std::size_t want = in.ConsumeIntegralInRange<std::size_t>(0, n.size() + 64);
                if (want < n.size()) n.erase(n.begin() + static_cast<std::ptrdiff_t>(want), n.end());
                else if (!n.empty())
                    while (n.size() < want) n.push_back(n.back());
            }
            break;
        case 8: n = json::array({n}); break;
        case 9:
            if (n.is_array() && !n.empty()) n = json(n[0]);
            break;
        case 10:
            if (n.is_object()) {
                json v;
                switch (in.ConsumeIntegralInRange(0, 2)) {
                    case 0: v = interesting_int(in); break;
                    case 1: v = std::string(in.PickValueInArray(k_strings)); break;
                    default: v = json::array(); break;
                }
                n[in.PickValueInArray(k_keys)] = v;
            }
            break;
        case 11:  // swap two children
            if (n.is_array() && n.size() >= 2) {
                const auto a = in.ConsumeIntegralInRange<std::size_t>(0, n.size() - 1);
                const auto b = in.ConsumeIntegralInRange<std::size_t>(0, n.size() - 1);
                std::swap(n[a], n[b]);
            }
            break;
        case 12:
            if (n.is_number()) n = n.get<double>() * (in.ConsumeBool() ? -1.0 : 1e30) + in.ConsumeIntegralInRange(-2, 2);
            break;
        case 13: {  // splice in a copy of another subtree
            place q = pick(root, in);
            json copy = *q.node;
            *p.node = std::move(copy);
            break;
        }
        default:  // flip one character of a string (base64 blobs, labels, tokens)
            if (n.is_string()) {
                std::string s = n.get<std::string>();
                if (!s.empty()) {
                    s[in.ConsumeIntegralInRange<std::size_t>(0, s.size() - 1)] = static_cast<char>(in.ConsumeIntegral<std::uint8_t>());
                    n = s;
                }
            }
            break;
    }
}

/// The documented bound on normalized length per input byte for a loaded
/// artifact: 4 * (R + 2), R the longest placeholder or lexicon value (the
/// loader keeps placeholders to one word, so stages cannot compound).
std::size_t growth(const tiny_ticket::normalizer_config& c) {
    std::size_t r = 0;
    for (const std::string* t : {&c.url_token, &c.email_token, &c.number_token}) r = std::max(r, t->size());
    for (const auto& kv : c.lexicon) r = std::max(r, kv.second.size());
    return 4 * (r + 2);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    json doc = bases()[in.ConsumeIntegralInRange<std::size_t>(0, bases().size() - 1)];
    const int edits = in.ConsumeIntegralInRange(1, 8);
    for (int e = 0; e < edits && in.remaining_bytes() > 0; ++e) mutate(doc, in);
    tiny_ticket::load_options opt;
    opt.run_self_tests = in.ConsumeBool();
    const std::string text = doc.dump(-1, ' ', false, json::error_handler_t::replace);
    try {
        const auto clf = tiny_ticket::load_classifier_from_string(text, opt);
        auto ws = clf.make_workspace();
        const std::size_t g = growth(clf.model().normalizer);
        for (const auto& t : fuzz::probe_texts()) fuzz::predict_and_check(clf, ws, t, g);
        fuzz::predict_and_check(clf, ws, in.ConsumeRemainingBytesAsString(), g);
    } catch (const tiny_ticket::error& e) {
        FUZZ_CHECK(e.what()[0] == '[');
    }
    return 0;
}
