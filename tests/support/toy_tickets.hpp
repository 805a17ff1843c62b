// SPDX-License-Identifier: MIT
#pragma once
// Labelled toy tickets shared by the trainer's tests.

#include <string>

namespace toy {

// A trivially separable toy task: three intents with distinct vocabularies,
// and a sentiment head labelled on a subset of the rows only.
inline std::string intents_jsonl() {
    const char* refund[] = {"i want a refund", "please refund my money", "refund the double charge",
                            "give me my money back", "refund for order", "need a refund now"};
    const char* track[] = {"where is my package", "track my parcel", "has my parcel shipped yet",
                           "tracking number for my package", "when will the package arrive", "parcel delivery status"};
    const char* login[] = {"cannot log in to my account", "password reset is not working", "locked out of my account",
                           "login page says wrong password", "reset my password please", "account login fails"};
    const char* tails[] = {"", " today", " asap", " thanks", " please help", " for order 42", " again"};
    std::string out;
    int n = 0;
    for (const char* const* group : {refund, track, login}) {
        const char* intent = group == refund ? "refund" : group == track ? "tracking" : "login";
        for (int i = 0; i < 6; ++i)
            for (const char* t : tails) {
                out += "{\"text\": \"" + std::string(group[i]) + t + "\", \"intent\": \"" + intent + "\"";
                if (n % 3 == 0) out += std::string(", \"sentiment\": \"") + (std::string(t) == " thanks" ? "positive" : "negative") + "\"";
                out += "}\n";
                ++n;
            }
    }
    return out;
}

}  // namespace toy
