// SPDX-License-Identifier: MIT
// A small HTTP service around one classifier (cpp-httplib):
//   POST /v1/classify   {"text": "..."} or {"tickets": [{"id": ..., "text": "..."}, ...]};
//                       ?explain=1, ?output=full|compact|labels
//   GET  /v1/model      heads (labels, their descriptions, review thresholds), producer, metrics
//   GET  /healthz       liveness
//   GET  /metrics       Prometheus text exposition (requests, latency, predictions)
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
#include "../tiny-ticket/output.hpp"
#include "metrics.hpp"

namespace {

constexpr const char* usage =
    "server [--model PATH] [--host ADDR] [--port N] [--max-body-bytes N] [--max-batch N] [--threads N]\n"
    "       [--read-timeout SECONDS] [--write-timeout SECONDS] [--idle-timeout SECONDS]\n"
    "  --model           artifact (default: models/tiny_ticket-default-v6.json)\n"
    "  --host            address to bind (default 127.0.0.1; 0.0.0.0 listens on every interface)\n"
    "  --port            TCP port (default 8080; 0 picks a free port, printed on stderr)\n"
    "  --max-body-bytes  larger request bodies get 413, whatever their Content-Type (default 1048576)\n"
    "  --max-batch       most tickets per batch request, more get 413 (default 256)\n"
    "  --threads         connection worker threads (default: hardware threads, at least 8)\n"
    "  --read-timeout    seconds to wait for a request's next bytes before giving up (default 5)\n"
    "  --write-timeout   seconds to wait for a client to take response bytes (default 5)\n"
    "  --idle-timeout    whole seconds an idle keep-alive connection is kept open (default 5)";

const char* reason(int status) {
    switch (status) {
        case 400: return "bad request";
        case 404: return "not found";
        case 405: return "method not allowed";
        case 408: return "request timeout";
        case 411: return "length required";
        case 413: return "request body too large";
        case 414: return "request URI too long";
        case 415: return "unsupported media type";
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
    // Empty when the model cannot be explained (int8 weights); `why_not_explain`
    // then holds the library's reason. Asking the explainer itself keeps the
    // "is this model int8" test inside the library.
    std::optional<tiny_ticket::explainer> explainer;
    std::string why_not_explain;
    std::size_t max_batch;
    std::size_t max_body;
    // One writer per output mode, built once: ?output= picks one per request.
    cli::prediction_writer full, compact, labels;
    server_metrics::registry& metrics;

    service(tiny_ticket::classifier c, std::size_t batch, std::size_t body, server_metrics::registry& m)
        : clf(std::move(c)), max_batch(batch), max_body(body),
          full(clf, cli::output_mode::full, cli::output_format::jsonl),
          compact(clf, cli::output_mode::compact, cli::output_format::jsonl),
          labels(clf, cli::output_mode::labels, cli::output_format::jsonl),
          metrics(m) {
        try {
            explainer.emplace(clf);
        } catch (const tiny_ticket::error& e) {
            why_not_explain = e.what();
        }
    }

    void classify(std::string& out, const cli::prediction_writer& w, const std::string& text, const cli::ticket_id& id,
                  bool explain, bool newline) const {
        // predict(text) would copy the result out of its workspace; this keeps it allocation-free.
        thread_local tiny_ticket::classifier::workspace ws = clf.make_workspace();
        const auto& p = clf.predict(text, ws);
        metrics.prediction(p);
        if (explain) {
            const tiny_ticket::explanation e = explainer->explain(text);
            w.write(out, id, p, &e, newline);
        } else {
            w.write(out, id, p, nullptr, newline);
        }
    }

    /// Reads the body through `reader`, so the size limit is ours whatever the
    /// Content-Type (httplib's own path caps form-encoded bodies, which is what
    /// `curl -d` sends, at 8 KB) and chunked bodies are capped too.
    void handle(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) const {
        if (req.is_multipart_form_data())
            return send_error(res, 415, "expected a JSON body, got multipart/form-data");
        std::string body;
        bool too_big = false;
        const bool read = reader([&](const char* data, std::size_t n) {
            if (body.size() + n > max_body) {
                too_big = true;
                return false;
            }
            body.append(data, n);
            return true;
        });
        if (too_big || res.status == 413) {
            res.set_header("Connection", "close");  // the rest of the body was not read
            return send_error(res, 413, "request body exceeds the limit of " + std::to_string(max_body) + " bytes");
        }
        if (!read) {
            res.set_header("Connection", "close");
            return send_error(res, 400, "could not read the request body");
        }
        res.status = 200;

        const std::string e = req.has_param("explain") ? req.get_param_value("explain") : "0";
        if (e != "0" && e != "1" && e != "true" && e != "false")
            return send_error(res, 400, "expected explain=0 or explain=1, got explain=" + e);
        const bool explain = e == "1" || e == "true";
        if (explain && !explainer) return send_error(res, 400, "explain=1 is not available for this model: " + why_not_explain);
        const cli::prediction_writer* w = &full;
        if (req.has_param("output")) {
            const std::string o = req.get_param_value("output");
            if (o == "compact") w = &compact;
            else if (o == "labels") w = &labels;
            else if (o != "full") return send_error(res, 400, "expected output=full, compact or labels, got output=" + o);
        }
        if (explain && w != &full) return send_error(res, 400, "explain=1 needs output=full");

        const nlohmann::json in = nlohmann::json::parse(body, nullptr, false);
        if (in.is_discarded()) return send_error(res, 400, "request body is not valid JSON");
        if (!in.is_object()) return send_error(res, 400, "expected a JSON object, got " + std::string(in.type_name()));
        std::string out;
        cli::ticket_id id;
        if (auto tickets = in.find("tickets"); tickets != in.end()) {
            if (!tickets->is_array()) return send_error(res, 400, "/tickets: expected an array");
            if (tickets->size() > max_batch)
                return send_error(res, 413, "/tickets: " + std::to_string(tickets->size()) + " tickets exceed the limit of " +
                                                std::to_string(max_batch) + " per request");
            for (std::size_t i = 0; i < tickets->size(); ++i) {
                const auto& t = (*tickets)[i];
                if (!t.is_object() || !t.contains("text") || !t["text"].is_string())
                    return send_error(res, 400, "/tickets/" + std::to_string(i) + ": expected an object with a string \"text\"");
            }
            out.reserve(tickets->size() * 512);
            out += "{\"results\":[";
            for (std::size_t i = 0; i < tickets->size(); ++i) {
                const auto& t = (*tickets)[i];
                id.clear();
                if (auto it = t.find("id"); it != t.end()) id.set_json(*it);
                if (i) out += ',';
                classify(out, *w, t["text"].get_ref<const std::string&>(), id, explain, false);
            }
            out += "]}\n";
        } else {
            auto text = in.find("text");
            if (text == in.end()) return send_error(res, 400, "expected {\"text\": ...} or {\"tickets\": [...]}");
            if (!text->is_string()) return send_error(res, 400, "/text: expected a string");
            if (auto it = in.find("id"); it != in.end()) id.set_json(*it);
            classify(out, *w, text->get_ref<const std::string&>(), id, explain, true);
        }
        res.set_content(std::move(out), "application/json");
    }

    nlohmann::json describe() const {
        const auto& m = clf.model();
        nlohmann::json heads = nlohmann::json::array();
        for (const auto& h : m.heads) {
            nlohmann::json head = {{"name", h.name},
                                   {"kind", h.kind == tiny_ticket::head_kind::softmax ? "softmax" : "sigmoid"},
                                   {"labels", h.labels},
                                   {"review", {{"min_confidence", h.review.min_confidence}, {"min_margin", h.review.min_margin}}}};
            // Only when the artifact has some: custom models often carry none.
            nlohmann::json descriptions = nlohmann::json::object();
            for (std::size_t l = 0; l < h.labels.size(); ++l)
                if (!h.description(l).empty()) descriptions[h.labels[l]] = std::string(h.description(l));
            if (!descriptions.empty()) head["descriptions"] = std::move(descriptions);
            if (h.out_of_scope)
                head["out_of_scope"] = {{"label", h.out_of_scope->label}, {"min_confidence", h.out_of_scope->min_confidence}};
            heads.push_back(std::move(head));
        }
        nlohmann::json metrics_json = m.metrics_json.empty() ? nlohmann::json::object() : nlohmann::json::parse(m.metrics_json);
        return {{"producer", m.producer},
                {"library", tiny_ticket::version_string},
                {"heads", heads},
                {"metrics", metrics_json},
                {"explain", explainer.has_value()}};
    }
};

/// A timeout option in seconds, as httplib's (seconds, microseconds) pair.
std::pair<time_t, time_t> seconds_option(const cli::args& a, const std::string& name, double def) {
    const double s = a.number(name, def, 0.001, 86400);
    const auto whole = static_cast<time_t>(s);
    return {whole, static_cast<time_t>((s - static_cast<double>(whole)) * 1e6)};
}

// Start of the request being handled by this connection thread, set when
// routing begins and read by the logger once the response is written.
thread_local std::chrono::steady_clock::time_point request_start{};

int run(const std::vector<std::string>& argv) {
    const cli::args a(argv, {"model", "host", "port", "max-body-bytes", "max-batch", "threads", "read-timeout",
                             "write-timeout", "idle-timeout"},
                      {});
    if (!a.positional().empty()) throw cli::usage_error("unexpected argument '" + a.positional()[0] + "'");
    const std::string model_path = a.value("model").value_or("models/tiny_ticket-default-v6.json");
    const std::string host = a.value("host").value_or("127.0.0.1");
    const int port = static_cast<int>(a.integer("port", 8080, 0, 65535));
    const auto max_body = static_cast<std::size_t>(a.integer("max-body-bytes", 1 << 20, 1, 1LL << 34));
    const auto max_batch = static_cast<std::size_t>(a.integer("max-batch", 256, 1, 1 << 20));
    const auto threads = static_cast<std::size_t>(
        a.integer("threads", std::max(8u, std::thread::hardware_concurrency()), 1, 1024));
    const auto read_timeout = seconds_option(a, "read-timeout", 5);
    const auto write_timeout = seconds_option(a, "write-timeout", 5);
    const auto idle_timeout = static_cast<time_t>(a.integer("idle-timeout", 5, 0, 86400));

    const auto clf = tiny_ticket::load_classifier(model_path);
    server_metrics::registry metrics(clf);
    const service svc(clf, max_batch, max_body, metrics);
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
    // Without it a keep-alive client waits for the delayed ACK of the
    // previous response (Nagle): ~40 ms per request instead of ~50 us.
    svr.set_tcp_nodelay(true);
    svr.set_read_timeout(read_timeout.first, read_timeout.second);
    svr.set_write_timeout(write_timeout.first, write_timeout.second);
    svr.set_keep_alive_timeout(idle_timeout);
    // httplib closes a keep-alive connection after 5 requests by default, so
    // busy clients would pay a TCP handshake every 5th request.
    svr.set_keep_alive_max_count(10000);
    svr.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
        request_start = std::chrono::steady_clock::now();
        // A POST with neither length nor chunking has its body end at EOF, so
        // httplib would wait the read timeout for it; nobody sends bodies that
        // way, so answer at once and close (its bytes, if any, are unread).
        if (req.method == "POST" && !req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
            res.set_header("Connection", "close");
            send_error(res, 400, "expected a Content-Length header or a chunked body");
            return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });
    svr.set_logger([&metrics](const httplib::Request& req, const httplib::Response& res) {
        double seconds = -1;  // requests refused before routing (bad request line, ...) have no start
        if (request_start != std::chrono::steady_clock::time_point{}) {
            seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - request_start).count();
            request_start = {};
        }
        metrics.request(req.path, res.status, seconds);
    });
    svr.Post("/v1/classify", [&svc](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        svc.handle(req, res, reader);
    });
    svr.Get("/v1/model", [&model_json](const httplib::Request&, httplib::Response& res) {
        res.set_content(model_json, "application/json");
    });
    svr.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("{\"status\":\"ok\"}\n", "application/json");
    });
    svr.Get("/metrics", [&metrics](const httplib::Request&, httplib::Response& res) {
        res.set_content(metrics.expose(), "text/plain; version=0.0.4; charset=utf-8");
    });
    only(svr, "/v1/classify", "POST");
    only(svr, "/v1/model", "GET, HEAD");
    only(svr, "/healthz", "GET, HEAD");
    only(svr, "/metrics", "GET, HEAD");
    // Called for every status >= 400; fills in a JSON body where the handler
    // (or the library: 404, 413, ...) left none.
    svr.set_error_handler(httplib::Server::HandlerWithResponse([max_body](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string message = reason(res.status);
        if (res.status == 404) message = "no route for " + req.method + " " + req.path;
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
