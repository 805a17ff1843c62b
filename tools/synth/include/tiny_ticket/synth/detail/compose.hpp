// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "random.hpp"
#include "tables.hpp"
#include "text_util.hpp"

namespace tiny_ticket::synth::detail {

/// True when template `e` may be used for sector `sector_name`. Templates may
/// start with a tag such as "<shop,food>" naming the sectors they fit;
/// untagged templates fit every sector.
inline bool template_fits(std::string_view e, std::string_view sector_name) noexcept {
    if (e.empty() || e[0] != '<') return true;
    const std::size_t end = e.find('>');
    std::string_view tags = e.substr(1, end == std::string_view::npos ? 0 : end - 1);
    while (!tags.empty()) {
        const std::size_t comma = tags.find(',');
        if (tags.substr(0, comma) == sector_name) return true;
        if (comma == std::string_view::npos) break;
        tags.remove_prefix(comma + 1);
    }
    return false;
}

/// `e` without its sector tag.
inline std::string_view strip_tag(std::string_view e) noexcept {
    if (e.empty() || e[0] != '<') return e;
    const std::size_t end = e.find('>');
    return end == std::string_view::npos ? e : e.substr(end + 1);
}

/// Everything chosen for one ticket before text is written: the scenario.
/// Slot values are drawn on first use and then reused, so one ticket names one
/// order id, one amount and one business throughout.
class scenario {
public:
    scenario(const tables& t, rng& r, const intent_spec& in, const subtype& st, const sector_lexicon& sector, bool hinglish)
        : t_(t), r_(r), intent_(in), sub_(st), sector_(sector), hinglish_(hinglish) {
        // Currency style is per ticket: one writer does not mix "$" and "Rs.".
        if (hinglish_) {
            currency_ = r_.chance(0.9) ? 0 : 1;
        } else {
            const unsigned w[] = {30, 36, 12, 14};  // INR, USD, EUR, GBP
            currency_ = static_cast<int>(r_.weighted(w));
        }
        money_style_ = static_cast<int>(r_.below(6));
    }

    const tables& data() const noexcept { return t_; }
    rng& random() noexcept { return r_; }
    bool hinglish() const noexcept { return hinglish_; }
    const subtype& sub() const noexcept { return sub_; }
    const intent_spec& intent() const noexcept { return intent_; }

    /// Expands a template into `out`: [a|b] alternatives and {slot} fillers.
    void expand(std::string_view tpl, std::string& out) {
        std::size_t i = 0;
        while (i < tpl.size()) {
            const char c = tpl[i];
            if (c == '[') {
                const std::size_t end = matching(tpl, i);
                expand(choose_alternative(tpl.substr(i + 1, end - i - 1)), out);
                i = end + 1;
            } else if (c == '{') {
                const std::size_t end = tpl.find('}', i);
                if (end == std::string_view::npos) {
                    out.append(tpl.substr(i));  // malformed: keep visible so tests catch it
                    return;
                }
                out += slot(tpl.substr(i + 1, end - i - 1));
                i = end + 1;
            } else {
                out += c;
                ++i;
            }
        }
    }

    /// Picks one template from `w` that fits this ticket's sector (see
    /// template_fits), without its tag.
    std::string_view choose(const words& w) {
        std::size_t n = 0;
        for (const std::string& e : w)
            if (fits(e)) ++n;
        if (n == 0) return strip_tag(w[r_.below(w.size())]);
        std::size_t k = r_.below(n);
        for (const std::string& e : w)
            if (fits(e) && k-- == 0) return strip_tag(e);
        return {};
    }

    bool fits(std::string_view e) const noexcept { return template_fits(e, sector_.name); }

    /// Expands and capitalizes one sentence.
    std::string sentence(std::string_view tpl) {
        std::string s;
        expand(tpl, s);
        capitalize_first(s);
        return s;
    }

    /// Expands without touching case (Hinglish and chat fragments).
    std::string fragment(std::string_view tpl) {
        std::string s;
        expand(tpl, s);
        return s;
    }

private:
    static std::size_t matching(std::string_view t, std::size_t open) noexcept {
        int depth = 0;
        for (std::size_t j = open; j < t.size(); ++j) {
            if (t[j] == '[') ++depth;
            if (t[j] == ']' && --depth == 0) return j;
        }
        return t.size();
    }

    // Two passes over the group (count, then locate) instead of collecting
    // the bar positions: this runs for every [a|b] and must not allocate.
    std::string_view choose_alternative(std::string_view body) {
        std::size_t bars = 0;
        int depth = 0;
        for (const char c : body) {
            if (c == '[') ++depth;
            if (c == ']') --depth;
            if (c == '|' && depth == 0) ++bars;
        }
        std::size_t k = r_.below(bars + 1);
        std::size_t from = 0;
        depth = 0;
        for (std::size_t j = 0; j < body.size(); ++j) {
            const char c = body[j];
            if (c == '[') ++depth;
            if (c == ']') --depth;
            if (c == '|' && depth == 0) {
                if (k == 0) return body.substr(from, j - from);
                --k;
                from = j + 1;
            }
        }
        return body.substr(from);
    }

    std::string slot(std::string_view name) {
        if (name == "small") return std::string(1, static_cast<char>('1' + r_.below(9)));
        for (const auto& kv : cache_)
            if (kv.first == name) return kv.second;
        std::string value = generate(name);
        cache_.emplace_back(std::string(name), value);
        return value;
    }

    std::string from(const words& w) { return fragment(choose(w)); }

    std::string distinct_from(const words& w, std::string_view other_slot) {
        const std::string other = slot(other_slot);
        std::string v = from(w);
        for (int tries = 0; tries < 8 && v == other; ++tries) v = from(w);
        return v;
    }

    std::string pattern(std::string_view p) {
        static const char letters[] = "ABCDEFGHJKLMNPQRSTUVWXYZ";  // no I/O: they read as 1/0
        std::string s;
        for (char c : p) {
            if (c == '#') s += static_cast<char>('0' + r_.below(10));
            else if (c == '&') s += letters[r_.below(sizeof(letters) - 1)];
            else if (c == '*') s += r_.chance(0.5) ? static_cast<char>('0' + r_.below(10)) : letters[r_.below(sizeof(letters) - 1)];
            else if (c == '~') s += '#';
            else s += c;
        }
        return s;
    }

    static std::string group_thousands(std::uint64_t v) {
        std::string digits = std::to_string(v);
        std::string out;
        const std::size_t n = digits.size();
        for (std::size_t i = 0; i < n; ++i) {
            out += digits[i];
            const std::size_t left = n - 1 - i;
            if (left > 0 && left % 3 == 0) out += ',';
        }
        return out;
    }

    std::string money() {
        static const unsigned tier_weights[] = {45, 40, 15};  // small amounts are the common case
        if (currency_ == 0) {  // INR: whole rupees, prices that end in 9 or 0
            const std::size_t tier = r_.weighted(tier_weights);
            std::uint64_t v = tier == 0 ? r_.between(99, 999) : tier == 1 ? r_.between(1000, 9999) : r_.between(10000, 99999);
            v = r_.chance(0.5) ? (v / 10) * 10 + 9 : (v / 10) * 10;
            const std::string g = group_thousands(v), plain = std::to_string(v);
            switch (money_style_) {
                case 0: return "\xE2\x82\xB9" + g;  // U+20B9 rupee sign
                case 1: return "Rs. " + g;
                case 2: return "Rs " + plain;
                case 3: return "INR " + g;
                case 4: return plain + " rupees";
                default: return "Rs." + plain + "/-";
            }
        }
        const std::size_t tier = r_.weighted(tier_weights);
        const std::uint64_t whole = tier == 0 ? r_.between(5, 99) : tier == 1 ? r_.between(100, 999) : r_.between(1000, 4999);
        std::string cents;
        const int c = r_.between(0, 3);
        if (c == 0) cents = ".99";
        else if (c == 1) cents = ".00";
        else if (c == 2) cents = ".50";
        const std::string num = group_thousands(whole) + cents;
        if (currency_ == 1) return money_style_ < 4 ? "$" + num : money_style_ == 4 ? "USD " + num : num + " dollars";
        if (currency_ == 2) return money_style_ < 3 ? "\xE2\x82\xAC" + num : num + " EUR";  // euro sign
        return money_style_ < 4 ? "\xC2\xA3" + num : num + " GBP";                           // pound sign
    }

    std::string date() {
        static const char* months[] = {"January", "February", "March", "April", "May", "June", "July",
                                       "August", "September", "October", "November", "December"};
        const int m = r_.between(0, 11);
        const int d = r_.between(1, 28);
        const std::string dd = std::to_string(d);
        const std::string mm = std::to_string(m + 1);
        auto two = [](const std::string& s) { return s.size() == 1 ? "0" + s : s; };
        auto ordinal = [&]() {
            const char* suf = (d % 10 == 1 && d != 11) ? "st" : (d % 10 == 2 && d != 12) ? "nd" : (d % 10 == 3 && d != 13) ? "rd" : "th";
            return dd + suf;
        };
        switch (r_.below(7)) {
            case 0: return dd + " " + months[m];
            case 1: return std::string(months[m]) + " " + dd;
            case 2: return two(dd) + "/" + two(mm);
            case 3: return "202" + std::to_string(r_.between(3, 5)) + "-" + two(mm) + "-" + two(dd);
            case 4: return ordinal() + " " + std::string(months[m]).substr(0, 3);
            case 5: return "the " + ordinal();
            default: return two(dd) + "." + two(mm) + ".202" + std::to_string(r_.between(3, 5));
        }
    }

    std::string email_local() {
        std::string first = slot("first");
        std::string last = slot("last");
        auto clean = [](const std::string& s) {
            std::string o;
            for (char ch : s)
                if (is_alpha(ch)) o += to_lower(ch);
            return o;
        };
        first = clean(first);
        last = clean(last);
        switch (r_.below(5)) {
            case 0: return first + "." + last;
            case 1: return first + std::to_string(r_.between(1, 99));
            case 2: return first.substr(0, 1) + last;
            case 3: return first + "_" + last + std::to_string(r_.between(80, 99));
            default: return first + last;
        }
    }

    std::string domain() {
        std::string d;
        for (char ch : slot("biz"))
            if (is_alpha(ch) || is_digit(ch)) d += to_lower(ch);
        static const char* tlds[] = {".com", ".in", ".io", ".co"};
        return d + tlds[r_.below(4)];
    }

    std::string generate(std::string_view name) {
        const global_lexicon& g = t_.globals;
        const slot_lists& sl = t_.slots;
        for (const auto& hv : t_.phrases.hinglish_variants)
            if (name == hv.first) return pick(r_, hv.second);
        for (const auto& tl : t_.topics)
            if (name == tl.first) return from(tl.second);
        if (name == "biz") return pick(r_, sector_.businesses);
        if (name == "item") return from(sector_.items);
        if (name == "item2") return distinct_from(sector_.items, "item");
        if (name == "order_noun") return pick(r_, sector_.order_nouns);
        if (name == "oid") return pattern(pick(r_, sector_.order_ids));
        if (name == "plan") return pick(r_, sector_.plans);
        if (name == "plan2") return distinct_from(sector_.plans, "plan");
        if (name == "feature") return pick(r_, sector_.features);
        if (name == "app_part") return pick(r_, sector_.app_parts);
        if (name == "competitor") return pick(r_, sector_.competitors);
        if (name == "action") return pick(r_, sector_.actions);
        if (name == "amount") return money();
        if (name == "amount2") {
            const std::string other = slot("amount");
            std::string v = money();
            for (int tries = 0; tries < 8 && v == other; ++tries) v = money();
            return v;
        }
        if (name == "date" || name == "order_date") return date();
        if (name == "when") return from(sl.when);
        if (name == "since") return from(sl.since);  // fits after "since": no "ago" forms
        if (name == "deadline") return from(sl.deadline);
        if (name == "weekday") return pick(r_, sl.weekday);
        if (name == "first") return pick(r_, g.first_names);
        if (name == "last") return pick(r_, g.last_names);
        // Operands of an overloaded + are evaluated in an unspecified order
        // (GCC and Clang differ), so every draw below gets its own statement.
        if (name == "name") {
            std::string first = slot("first");
            return first + " " + slot("last");
        }
        if (name == "initial") return slot("last").substr(0, 1);
        if (name == "agent") return pick(r_, g.agents);
        if (name == "email") {
            std::string local = email_local();
            if (r_.chance(0.25)) return local + "@" + slot("company_domain");
            return local + "@" + pick(r_, g.email_domains);
        }
        if (name == "company_domain") {
            std::string d;
            for (char ch : slot("company"))
                if (is_alpha(ch)) d += to_lower(ch);
            return d + ".com";
        }
        if (name == "url") {
            std::string url = r_.chance(0.8) ? "https://" : "";
            if (r_.chance(0.3)) url += "www.";
            url += domain();
            url += fragment(pick(r_, sl.url_paths));
            return url;
        }
        if (name == "company") return pick(r_, g.companies);
        if (name == "title") return pick(r_, g.titles);
        if (name == "city") return pick(r_, g.cities);
        if (name == "country") return pick(r_, g.countries);
        if (name == "error") return pick(r_, g.errors);
        if (name == "device") return pick(r_, g.devices);
        if (name == "payment") return pick(r_, g.payments);
        if (name == "promo") return pick(r_, g.promos);
        if (name == "app") return pick(r_, g.apps);
        if (name == "address") return from(g.addresses);
        if (name == "txn") return pattern(pick(r_, sl.txn));
        if (name == "ticket_id") return pattern(pick(r_, sl.ticket_id));
        if (name == "phone") return pattern(pick(r_, sl.phone));
        if (name == "n") return std::to_string(r_.between(2, 5));
        if (name == "nth") return pick(r_, sl.nth);
        if (name == "nth_hi") return pick(r_, sl.nth_hi);
        if (name == "days") return std::to_string(r_.between(2, 21));
        if (name == "weeks") return std::to_string(r_.between(2, 10));
        if (name == "years") return std::to_string(r_.between(2, 9));
        if (name == "seats") return pick(r_, sl.seats);
        if (name == "sarc") {
            if (!sub_.sarc.empty()) return from(sub_.sarc);
            return from(sl.sarc);
        }
        return "{" + std::string(name) + "}";  // unknown slot: left visible on purpose
    }

    const tables& t_;
    rng& r_;
    const intent_spec& intent_;
    const subtype& sub_;
    const sector_lexicon& sector_;
    bool hinglish_;
    int currency_ = 0;
    int money_style_ = 0;
    std::vector<std::pair<std::string, std::string>> cache_;
};

}  // namespace tiny_ticket::synth::detail
