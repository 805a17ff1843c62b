// SPDX-License-Identifier: MIT
#pragma once

#define TINY_TICKET_VERSION_MAJOR 0
#define TINY_TICKET_VERSION_MINOR 1
#define TINY_TICKET_VERSION_PATCH 0
#define TINY_TICKET_VERSION_STRING "0.1.0"

namespace tiny_ticket {
/// Library version as "major.minor.patch"; written into every artifact's `producer`.
inline constexpr const char* version_string = TINY_TICKET_VERSION_STRING;
}  // namespace tiny_ticket
