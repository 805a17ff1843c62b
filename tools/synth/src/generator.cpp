// SPDX-License-Identifier: MIT
#include <tiny_ticket/synth/generator.hpp>

#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <tiny_ticket/synth/detail/builder.hpp>

namespace tiny_ticket::synth {

namespace {

namespace fs = std::filesystem;

double clamp_share(double p) noexcept { return p >= 0.0 ? (p <= 1.0 ? p : 1.0) : 0.0; }  // NaN -> 0

// Where the folder is installed relative to the executable's: an installed
// tree moved elsewhere (or staged with `cmake --install --prefix`) still finds it.
fs::path installed_beside_executable() {
#if defined(__linux__)
    if (std::string_view(TINY_TICKET_SYNTH_BIN_TO_TEMPLATES).empty()) return {};  // absolute install dirs
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) return (exe.parent_path() / TINY_TICKET_SYNTH_BIN_TO_TEMPLATES).lexically_normal();
#endif
    return {};
}

// nlohmann escapes; the separators are the ones the corpus has always had
// (", " and ": "), which its dump() cannot produce, so the object is written
// member by member. Invalid UTF-8 is replaced rather than thrown on.
void append_dump(std::string& line, const nlohmann::ordered_json& v) {
    line += v.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

std::vector<fs::path> templates::default_dirs() {
    std::vector<fs::path> dirs;
    if (fs::path p = installed_beside_executable(); !p.empty()) dirs.push_back(std::move(p));
    dirs.emplace_back(TINY_TICKET_SYNTH_SOURCE_TEMPLATES);
    dirs.emplace_back(TINY_TICKET_SYNTH_INSTALL_TEMPLATES);
    return dirs;
}

fs::path templates::find(const fs::path& dir) {
    if (!dir.empty()) return dir;
    std::string tried;
    for (const fs::path& d : default_dirs()) {
        std::error_code ec;
        if (fs::is_regular_file(d / "intents.json", ec)) return d;
        tried += "\n  " + d.string();
    }
    throw template_error(errc::io, "",
                         "synth templates not found; looked in:" + tried +
                             "\nname the folder explicitly (tiny-ticket synth --templates DIR): it is tools/synth/templates "
                             "in the source tree and share/tiny_ticket/synth under an install prefix");
}

ticket make_ticket(const templates& tpl, const options& opt, std::size_t index) {
    detail::built_ticket b =
        detail::build_ticket(tpl.data(), opt.seed, index, clamp_share(opt.hinglish_share), clamp_share(opt.noise));
    ticket t;
    t.text = std::move(b.text);
    t.labels = {{"department", std::string(b.department)},
                {"sentiment", std::string(b.sentiment)},
                {"lead_intent", std::string(b.lead_intent)},
                {"churn_risk", std::string(b.churn_risk)},
                {"intent", std::string(b.intent)}};
    t.hinglish = b.hinglish;
    return t;
}

std::vector<ticket> generate(const templates& tpl, const options& opt) {
    std::vector<ticket> out;
    out.reserve(opt.count);
    for (std::size_t i = 0; i < opt.count; ++i) out.push_back(make_ticket(tpl, opt, i));
    return out;
}

void write_jsonl(std::ostream& out, const std::vector<ticket>& tickets) {
    std::string line;
    for (const ticket& t : tickets) {
        nlohmann::ordered_json o;
        o["text"] = t.text;
        for (const auto& kv : t.labels) o[kv.first] = kv.second;
        o["hinglish"] = t.hinglish;
        line.clear();
        line += '{';
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (it != o.begin()) line += ", ";
            append_dump(line, it.key());
            line += ": ";
            append_dump(line, it.value());
        }
        line += "}\n";
        out.write(line.data(), static_cast<std::streamsize>(line.size()));
    }
}

}  // namespace tiny_ticket::synth
