// SPDX-License-Identifier: MIT
#pragma once

/// Explicit instantiation declarations for the float library: with them, a
/// translation unit parses the templates but leaves compiling the float
/// classifier, loader, networks and explainer to the `tiny_ticket::compiled`
/// library (src/tiny_ticket.cpp), which every such unit shares. That target
/// defines TINY_TICKET_COMPILED for its users, and <tiny_ticket/tiny_ticket.hpp>
/// then includes this header: the same code, compiled once instead of in every
/// file that includes the library. Header-only use is unchanged.

#include <filesystem>
#include <istream>
#include <string>
#include <string_view>

#include "artifact.hpp"
#include "classifier.hpp"
#include "explain.hpp"
#include "features/featurizer.hpp"
#include "load_options.hpp"
#include "model.hpp"
#include "model_check.hpp"
#include "network.hpp"
#include "nn/dense.hpp"
#include "nn/network.hpp"
#include "quant/network.hpp"
#include "quantize.hpp"

// The list is a macro so the declarations here and the definitions in
// src/tiny_ticket.cpp cannot drift apart: `X` is `extern template` here and
// `template` there.
#define TINY_TICKET_FLOAT_INSTANTIATIONS(X)                                                                     \
    X class tiny_ticket::basic_classifier<float>;                                                              \
    X class tiny_ticket::basic_featurizer<float>;                                                              \
    X class tiny_ticket::nn::basic_network<float>;                                                             \
    X class tiny_ticket::quant::basic_qnetwork<float>;                                                         \
    X class tiny_ticket::basic_model_network<float>;                                                           \
    X class tiny_ticket::basic_explainer<float>;                                                               \
    X void tiny_ticket::validate_model<float>(const tiny_ticket::basic_model<float>&);                         \
    X tiny_ticket::basic_model<float> tiny_ticket::load_model_from_string<float>(std::string_view,             \
                                                                                 const tiny_ticket::load_options&); \
    X tiny_ticket::basic_model<float> tiny_ticket::load_model<float>(const std::filesystem::path&,             \
                                                                     const tiny_ticket::load_options&);        \
    X tiny_ticket::basic_model<float> tiny_ticket::load_model<float>(std::istream&, const tiny_ticket::load_options&); \
    X tiny_ticket::basic_classifier<float> tiny_ticket::load_classifier<float>(const std::filesystem::path&,    \
                                                                               const tiny_ticket::load_options&); \
    X tiny_ticket::basic_classifier<float> tiny_ticket::load_classifier<float>(std::istream&,                  \
                                                                               const tiny_ticket::load_options&); \
    X tiny_ticket::basic_classifier<float> tiny_ticket::load_classifier_from_string<float>(                    \
        std::string_view, const tiny_ticket::load_options&);                                                   \
    X std::string tiny_ticket::save_model_to_string<float>(const tiny_ticket::basic_model<float>&,             \
                                                           const tiny_ticket::save_options&);                  \
    X void tiny_ticket::save_model<float>(const tiny_ticket::basic_model<float>&, const std::filesystem::path&, \
                                          const tiny_ticket::save_options&);                                   \
    X tiny_ticket::basic_model<float> tiny_ticket::quantize<float>(const tiny_ticket::basic_model<float>&,     \
                                                                   tiny_ticket::quant_mode);                   \
    X tiny_ticket::explanation tiny_ticket::explain<float>(const tiny_ticket::basic_classifier<float>&,        \
                                                           std::string_view, std::size_t);

#if defined(TINY_TICKET_COMPILED) && !defined(TINY_TICKET_COMPILED_DEFINITIONS)
TINY_TICKET_FLOAT_INSTANTIATIONS(extern template)
#endif
