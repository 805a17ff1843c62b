// SPDX-License-Identifier: MIT
// tiny-ticket: train, evaluate, convert and run ticket classifiers.

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"

namespace {

void print_help(std::ostream& os) {
    os << "usage: tiny-ticket <command> [options]\n\ncommands:\n";
    for (const auto& [name, cmd] : cli::registry()) os << "  " << name << std::string(12 - std::min<std::size_t>(name.size(), 11), ' ') << cmd.summary << "\n";
    os << "\n'tiny-ticket <command> --help' shows a command's options.\n";
}

}  // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    if (argc < 2) {
        print_help(std::cerr);
        return 2;
    }
    const std::string name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
        print_help(std::cout);
        return 0;
    }
    if (name == "--version") {
        std::cout << "tiny-ticket " << tiny_ticket::version_string << "\n"
                  << "int8 kernels: " << tiny_ticket::quant::kernel_name() << "\n";
        return 0;
    }
    auto it = cli::registry().find(name);
    if (it == cli::registry().end()) {
        std::cerr << "tiny-ticket: unknown command '" << name << "'\n\n";
        print_help(std::cerr);
        return 2;
    }
    std::vector<std::string> args(argv + 2, argv + argc);
    for (const auto& a : args)
        if (a == "--help" || a == "-h") {
            std::cout << "usage: " << it->second.usage << "\n";
            return 0;
        }
    try {
        return it->second.run(args);
    } catch (const cli::usage_error& e) {
        std::cerr << "tiny-ticket " << name << ": " << e.what() << "\nusage: " << it->second.usage << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "tiny-ticket " << name << ": " << e.what() << "\n";
        return 1;
    }
}
