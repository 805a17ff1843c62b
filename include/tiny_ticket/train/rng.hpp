// SPDX-License-Identifier: MIT
#pragma once

// Temporary forwarder, not installed: the trainer lives in train/include, but
// synth/detail/random.hpp still reaches its generator as "../../train/rng.hpp".
// Delete this file when the generator leaves include/ (it then includes
// <tiny_ticket/train/rng.hpp> through tiny_ticket::train).
#include "../../../train/include/tiny_ticket/train/rng.hpp"
