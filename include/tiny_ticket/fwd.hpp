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

using classifier = basic_classifier<float>;
using model = basic_model<float>;
using prediction = basic_prediction<float>;
using workspace = basic_workspace<float>;
using featurizer = basic_featurizer<float>;

}  // namespace tiny_ticket
