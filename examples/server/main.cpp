// SPDX-License-Identifier: MIT
// A small HTTP service around one classifier (cpp-httplib):
//   POST /v1/classify   {"text": "..."} or {"tickets": [{"id": ..., "text": "..."}, ...]}; ?explain=1
//   GET  /v1/model      heads, labels, producer, metrics
//   GET  /healthz       liveness
// Errors are JSON: {"error": {"status": 400, "message": "..."}}. SIGTERM or
// SIGINT stops accepting connections, finishes requests in flight, exits 0.

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "../tiny-ticket/cli.hpp"
#include "../tiny-ticket/explain_json.hpp"

namespace {

constexpr const char* usage =
    "server [--model PATH] [--host ADDR] [--port N] [--max-body-bytes N] [--max-batch N] [--threads N]\n"
    "  --model           artifact (default: models/tiny_ticket-default-v4.json)\n"
    "  --host            address to bind (default 127.0.0.1; 0.0.0.0 listens on every interface)\n"
    "  --port            TCP port (default 8080; 0 picks a free port, printed on stderr)\n"
    "  --max-body-bytes  larger request bodies get 413 (default 1048576)\n"
    "  --max-batch       most tickets per batch request, more get 413 (default 256)\n"
    "  --threads         connection worker threads (default: hardware threads, at least 8)";

const char* reason(int status) {
    switch (status) {
        case 400: return "bad request";
        case 404: return "not found";
        case 405: return "method not allowed";
        case 408: return "request timeout";
        case 413: return "request body too large";
        case 414: return "request URI too long";
        case 500: return "internal error";
        default: return "error";
    }
}

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.set_content(cli::dump_line(body) + "\n", "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
    send_json(res, status, {{"error", {{"status", status}, {"message", message}}}});
}

/// Routes known paths to `allowed` and answers every other method on them with 405.
void only(httplib::Server& svr, const std::string& path, const std::string& allowed) {
    auto refuse = [allowed, path](const httplib::Request& req, httplib::Response& res) {
        res.set_header("Allow", allowed);
        send_error(res, 405, "method " + req.method + " is not allowed on " + path + "; use " + allowed);
    };
    if (allowed.find("GET") == std::string::npos) svr.Get(path, refuse);
    if (allowed.find("POST") == std::string::npos) svr.Post(path, refuse);
    svr.Put(path, refuse);
    svr.Patch(path, refuse);
    svr.Delete(path, refuse);
    svr.Options(path, refuse);
}

struct service {
    tiny_ticket::classifier clf;
    tiny_ticket::explainer explainer;
    std::size_t max_batch;

    nlohmann::json classify(const std::string& text, bool explain) const {
        nlohmann::json out = cli::prediction_json(clf.predict(text));
        if (explain) cli::add_explanations(out, explainer.explain(text));
        return out;
    }

    void handle(const httplib::Request& req, httplib::Response& res) const {
        const std::string e = req.has_param("explain") ? req.get_param_value("explain") : "0";
        if (e != "0" && e != "1" && e != "true" && e != "false")
            return send_error(res, 400, "expected explain=0 or explain=1, got explain=" + e);
        const bool explain = e == "1" || e == "true";
        const nlohmann::json in = nlohmann::json::parse(req.body, nullptr, false);
        if (in.is_discarded()) return send_error(res, 400, "request body is not valid JSON");
        if (!in.is_object()) return send_error(res, 400, "expected a JSON object, got " + std::string(in.type_name()));
        if (in.contains("tickets")) {
            const nlohmann::json& tickets = in["tickets"];
            if (!tickets.is_array()) return send_error(res, 400, "/tickets: expected an array");
            if (tickets.size() > max_batch)
                return send_error(res, 413, "/tickets: " + std::to_string(tickets.size()) + " tickets exceed the limit of " +
                                                std::to_string(max_batch) + " per request");
            for (std::size_t i = 0; i < tickets.size(); ++i)
                if (!tickets[i].is_object() || !tickets[i].contains("text") || !tickets[i]["text"].is_string())
                    return send_error(res, 400, "/tickets/" + std::to_string(i) + ": expected an object with a string \"text\"");
            nlohmann::json results = nlohmann::json::array();
            for (const auto& t : tickets) {
                nlohmann::json r = classify(t["text"].get<std::string>(), explain);
                if (t.contains("id")) r["id"] = t["id"];
                results.push_back(std::move(r));
            }
            return send_json(res, 200, {{"results", std::move(results)}});
        }
        if (!in.contains("text")) return send_error(res, 400, "expected {\"text\": ...} or {\"tickets\": [...]}");
        if (!in["text"].is_string()) return send_error(res, 400, "/text: expected a string");
        nlohmann::json r = classify(in["text"].get<std::string>(), explain);
        if (in.contains("id")) r["id"] = in["id"];
        send_json(res, 200, r);
    }

    nlohmann::json describe() const {
        const auto& m = clf.model();
        nlohmann::json heads = nlohmann::json::array();
        for (const auto& h : m.heads)
            heads.push_back({{"name", h.name},
                             {"kind", h.kind == tiny_ticket::head_kind::softmax ? "softmax" : "sigmoid"},
                             {"labels", h.labels}});
        nlohmann::json metrics = m.metrics_json.empty() ? nlohmann::json::object() : nlohmann::json::parse(m.metrics_json);
        return {{"producer", m.producer}, {"library", tiny_ticket::version_string}, {"heads", heads}, {"metrics", metrics}};
    }
};

int run(const std::vector<std::string>& argv) {
    const cli::args a(argv, {"model", "host", "port", "max-body-bytes", "max-batch", "threads"}, {});
    if (!a.positional().empty()) throw cli::usage_error("unexpected argument '" + a.positional()[0] + "'");
    const std::string model_path = a.value("model").value_or("models/tiny_ticket-default-v4.json");
    const std::string host = a.value("host").value_or("127.0.0.1");
    const int port = static_cast<int>(a.integer("port", 8080, 0, 65535));
    const auto max_body = static_cast<std::size_t>(a.integer("max-body-bytes", 1 << 20, 1, 1LL << 34));
    const auto max_batch = static_cast<std::size_t>(a.integer("max-batch", 256, 1, 1 << 20));
    const auto threads = static_cast<std::size_t>(
        a.integer("threads", std::max(8u, std::thread::hardware_concurrency()), 1, 1024));

    const auto clf = tiny_ticket::load_classifier(model_path);
    const service svc{clf, tiny_ticket::explainer(clf), max_batch};
    const std::string model_json = cli::dump_line(svc.describe()) + "\n";

    // Block the stop signals before any thread starts, so every thread
    // inherits the mask and only the sigwait thread below ever sees them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    httplib::Server svr;
    svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    svr.set_payload_max_length(max_body);
    svr.Post("/v1/classify", [&svc](const httplib::Request& req, httplib::Response& res) { svc.handle(req, res); });
    svr.Get("/v1/model", [&model_json](const httplib::Request&, httplib::Response& res) {
        res.set_content(model_json, "application/json");
    });
    svr.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("{\"status\":\"ok\"}\n", "application/json");
    });
    only(svr, "/v1/classify", "POST");
    only(svr, "/v1/model", "GET, HEAD");
    only(svr, "/healthz", "GET, HEAD");
    // Called for every status >= 400; fills in a JSON body where the handler
    // (or the library: 404, 413, ...) left none.
    svr.set_error_handler(httplib::Server::HandlerWithResponse([max_body](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string message = reason(res.status);
        if (res.status == 404) message = "no route for " + req.method + " " + req.path;
        if (res.status == 400 && req.method == "POST" && !req.has_header("Content-Length") &&
            !req.has_header("Transfer-Encoding"))
            message = "expected a Content-Length header or a chunked body";
        if (res.status == 413) message = "request body exceeds the limit of " + std::to_string(max_body) + " bytes";
        send_error(res, res.status, message);
        return httplib::Server::HandlerResponse::Handled;
    }));
    svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
            std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            what = e.what();
        } catch (...) {
        }
        std::cerr << "server: request failed: " << what << "\n";
        send_error(res, 500, "internal error");
    });

    const int bound = port == 0 ? svr.bind_to_any_port(host) : (svr.bind_to_port(host, port) ? port : -1);
    if (bound < 0) {
        std::cerr << "server: cannot listen on " << host << ":" << port << "\n";
        return 1;
    }

    std::atomic<int> stop_signal{0};
    std::atomic<bool> done{false};
    std::thread waiter([&] {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        if (done) return;
        stop_signal = sig;
        std::cerr << "server: " << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << " received, finishing requests in flight\n";
        // stop() is a no-op until listen has started; repeat until it takes.
        while (!done) {
            svr.stop();
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    std::cerr << "server: listening on http://" << host << ":" << bound << " (model " << model_path << ", "
              << clf.num_heads() << " heads)" << std::endl;
    const bool ok = svr.listen_after_bind();  // returns once the worker pool has drained
    done = true;
    const bool signalled = stop_signal != 0;
    if (!signalled) pthread_kill(waiter.native_handle(), SIGTERM);  // listen failed on its own: wake the waiter
    waiter.join();
    if (signalled) std::cerr << "server: stopped\n";
    return ok || signalled ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    return cli::run_program("server", usage, argc, argv, run);
}
