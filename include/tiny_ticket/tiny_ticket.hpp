// SPDX-License-Identifier: MIT
#pragma once

/// The one header applications include: the whole library, including the
/// JSON artifact loader. Code that only runs inference on models built in
/// memory may include <tiny_ticket/classifier.hpp> alone and skip JSON.

#include "artifact.hpp"
#include "classifier.hpp"
#include "error.hpp"
#include "explain.hpp"
#include "features/feature_vector.hpp"
#include "features/featurizer.hpp"
#include "fwd.hpp"
#include "load_options.hpp"
#include "model.hpp"
#include "model_check.hpp"
#include "network.hpp"
#include "nn/activations.hpp"
#include "nn/dense.hpp"
#include "nn/network.hpp"
#include "quant/format.hpp"
#include "quant/kernels.hpp"
#include "quant/network.hpp"
#include "quant/quantize.hpp"
#include "quantize.hpp"
#include "text/config.hpp"
#include "text/lexicon.hpp"
#include "text/normalizer.hpp"
#include "version.hpp"

// Linking tiny_ticket::compiled defines TINY_TICKET_COMPILED: the float
// instantiations then come from that library instead of every includer.
#ifdef TINY_TICKET_COMPILED
#include "compiled.hpp"
#endif
