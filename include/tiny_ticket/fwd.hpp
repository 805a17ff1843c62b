// SPDX-License-Identifier: MIT
#pragma once

/// Forward declarations and the short aliases (`classifier`, `model`, ...),
/// mirroring nlohmann's json_fwd.hpp: include this in headers that only
/// mention the types.

namespace tiny_ticket {

template <class T> class basic_classifier;
template <class T> struct basic_model;
template <class T> struct basic_prediction;
template <class T> struct basic_workspace;
template <class T> class basic_featurizer;

/// The float classifier: what load_classifier returns.
using classifier = basic_classifier<float>;
/// A float model: what load_model returns.
using model = basic_model<float>;
/// Every head's answer for one text, float scores.
using prediction = basic_prediction<float>;
/// Scratch memory for classifier::predict(text, ws).
using workspace = basic_workspace<float>;
/// The float featurizer.
using featurizer = basic_featurizer<float>;

}  // namespace tiny_ticket
