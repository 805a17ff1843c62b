// SPDX-License-Identifier: MIT
// The float library compiled once: explicit instantiations of what
// <tiny_ticket/compiled.hpp> declares extern for the users of
// tiny_ticket::compiled.

#define TINY_TICKET_COMPILED_DEFINITIONS
#include <tiny_ticket/tiny_ticket.hpp>
#include <tiny_ticket/compiled.hpp>

TINY_TICKET_FLOAT_INSTANTIATIONS(template)
