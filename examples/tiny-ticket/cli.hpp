// SPDX-License-Identifier: MIT
#pragma once

// Shared plumbing of the tiny-ticket command line: subcommand registry,
// argument parsing with clear errors.

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tiny_ticket/tiny_ticket.hpp>

namespace cli {

/// Bad command-line usage: printed with the subcommand's usage, exit code 2.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

using command_fn = std::function<int(const std::vector<std::string>& args)>;

struct command {
    std::string summary;
    std::string usage;
    command_fn run;
};

inline std::map<std::string, command>& registry() {
    static std::map<std::string, command> r;
    return r;
}

/// Subcommand files register themselves with a static instance of this.
struct registrar {
    registrar(const std::string& name, std::string summary, std::string usage, command_fn fn) {
        registry()[name] = command{std::move(summary), std::move(usage), std::move(fn)};
    }
};

/// `--name value`, `--name=value` and boolean `--flag` options; everything
/// else is positional. Unknown or missing options are usage errors.
class args {
public:
    args(const std::vector<std::string>& argv, const std::vector<std::string>& value_options,
         const std::vector<std::string>& flag_options) {
        for (std::size_t i = 0; i < argv.size(); ++i) {
            const std::string& a = argv[i];
            if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
                std::string name = a.substr(2), value;
                const auto eq = name.find('=');
                const bool inline_value = eq != std::string::npos;
                if (inline_value) {
                    value = name.substr(eq + 1);
                    name = name.substr(0, eq);
                }
                if (contains(flag_options, name)) {
                    if (inline_value) throw usage_error("option --" + name + " takes no value");
                    flags_.push_back(name);
                } else if (contains(value_options, name)) {
                    if (!inline_value) {
                        if (i + 1 >= argv.size()) throw usage_error("option --" + name + " needs a value");
                        value = argv[++i];
                    }
                    values_.emplace_back(name, value);
                } else {
                    throw usage_error("unknown option --" + name);
                }
            } else {
                positional_.push_back(a);
            }
        }
    }

    bool flag(const std::string& name) const { return contains(flags_, name); }

    std::optional<std::string> value(const std::string& name) const {
        std::optional<std::string> v;
        for (const auto& kv : values_)
            if (kv.first == name) v = kv.second;
        return v;
    }
    std::string required(const std::string& name) const {
        auto v = value(name);
        if (!v || v->empty()) throw usage_error("missing required option --" + name);
        return *v;
    }
    std::vector<std::string> all(const std::string& name) const {
        std::vector<std::string> r;
        for (const auto& kv : values_)
            if (kv.first == name) r.push_back(kv.second);
        return r;
    }
    /// Integer option in [lo, hi]; `def` when absent.
    long long integer(const std::string& name, long long def, long long lo, long long hi) const {
        auto v = value(name);
        if (!v) return def;
        char* end = nullptr;
        errno = 0;
        const long long x = std::strtoll(v->c_str(), &end, 10);
        if (v->empty() || *end != '\0' || errno != 0 || x < lo || x > hi)
            throw usage_error("option --" + name + " expects an integer in [" + std::to_string(lo) + ", " +
                              std::to_string(hi) + "], got \"" + *v + "\"");
        return x;
    }
    /// Number option in [lo, hi]; `def` when absent.
    double number(const std::string& name, double def, double lo, double hi) const {
        auto v = value(name);
        if (!v) return def;
        char* end = nullptr;
        const double x = std::strtod(v->c_str(), &end);
        if (v->empty() || *end != '\0' || !(x >= lo && x <= hi))
            throw usage_error("option --" + name + " expects a number in [" + std::to_string(lo) + ", " +
                              std::to_string(hi) + "], got \"" + *v + "\"");
        return x;
    }
    const std::vector<std::string>& positional() const { return positional_; }

private:
    static bool contains(const std::vector<std::string>& v, const std::string& s) {
        for (const auto& x : v)
            if (x == s) return true;
        return false;
    }
    std::vector<std::pair<std::string, std::string>> values_;
    std::vector<std::string> flags_;
    std::vector<std::string> positional_;
};

// The prediction output contract (modes, formats, the JSON writer) lives in
// output.hpp, shared by `predict`, the stream filter and the HTTP server.

/// main() of a standalone example program: `--help` anywhere prints the usage
/// and exits 0; usage errors exit 2 with the usage, anything else exits 1;
/// messages are prefixed with the program's name.
inline int run_program(const char* name, const char* usage, int argc, char** argv,
                       const std::function<int(const std::vector<std::string>&)>& run) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    for (const auto& s : args)
        if (s == "--help" || s == "-h") {
            std::cout << "usage: " << usage << "\n";
            return 0;
        }
    try {
        return run(args);
    } catch (const usage_error& e) {
        std::cerr << name << ": " << e.what() << "\nusage: " << usage << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << name << ": " << e.what() << "\n";
        return 1;
    }
}

}  // namespace cli
