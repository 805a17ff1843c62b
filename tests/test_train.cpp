// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <tiny_ticket/artifact.hpp>
#include <tiny_ticket/train/adam.hpp>
#include <tiny_ticket/train/data.hpp>
#include <tiny_ticket/train/mlp.hpp>
#include <tiny_ticket/train/trainer.hpp>
#include <vector>

#include "support/toy_tickets.hpp"

using namespace tiny_ticket;
using namespace tiny_ticket::train;

namespace {

template <class U, class T>
mlp_params<U> cast_params(const mlp_params<T>& p) {
    auto cast = [](const std::vector<T>& v) { return std::vector<U>(v.begin(), v.end()); };
    mlp_params<U> q;
    q.shape = p.shape;
    q.w0 = cast(p.w0);
    q.b0 = cast(p.b0);
    q.emb = cast(p.emb);
    q.w0e = cast(p.w0e);
    for (const auto& d : p.layers) q.layers.push_back({d.in, d.out, cast(d.wt), cast(d.b)});
    return q;
}

mlp_shape tiny_shape() {
    mlp_shape s;
    s.sparse_width = 6;
    s.embedding_rows = 4;
    s.embedding_dim = 3;
    s.hidden = {5, 4};
    s.heads = {{0, 3, head_kind::softmax}, {3, 1, head_kind::sigmoid}};
    return s;
}

struct tiny_input {
    std::vector<std::uint32_t> index = {0, 2, 5};
    std::vector<double> value = {0.5, 1.0, 0.3};
    std::vector<std::int32_t> rows = {1, 3, 1};

    template <class T>
    mlp_input<T> view(std::vector<T>& storage) const {
        storage.assign(value.begin(), value.end());
        mlp_input<T> x;
        x.index = index.data();
        x.value = storage.data();
        x.nnz = index.size();
        x.embedding_rows = rows.data();
        x.tokens = rows.size();
        return x;
    }
};

// Every parameter array of the network, in a fixed order, for perturbation.
template <class T>
std::vector<std::vector<T>*> arrays(mlp_params<T>& p) {
    std::vector<std::vector<T>*> a = {&p.w0, &p.b0, &p.emb, &p.w0e};
    for (auto& d : p.layers) {
        a.push_back(&d.wt);
        a.push_back(&d.b);
    }
    return a;
}

// The analytic gradient of one array, expanded to dense form.
template <class T>
std::vector<double> dense_grad(const mlp_grads<T>& g, const mlp_params<T>& p, std::size_t which) {
    std::vector<double> out;
    const std::size_t h0 = p.width0(), dim = p.shape.embedding_dim;
    if (which == 0) {
        out.assign(p.w0.size(), 0.0);
        for (std::size_t k = 0; k < g.rows.size(); ++k)
            for (std::size_t j = 0; j < h0; ++j) out[g.rows[k] * h0 + j] = static_cast<double>(g.g0[k * h0 + j]);
    } else if (which == 1) {
        out.assign(g.gb0.begin(), g.gb0.end());
    } else if (which == 2) {
        out.assign(p.emb.size(), 0.0);
        for (std::size_t k = 0; k < g.erows.size(); ++k)
            for (std::size_t j = 0; j < dim; ++j) out[g.erows[k] * dim + j] = static_cast<double>(g.ge[k * dim + j]);
    } else if (which == 3) {
        out.assign(g.gw0e.begin(), g.gw0e.end());
    } else {
        const std::size_t l = (which - 4) / 2;
        const auto& v = (which - 4) % 2 == 0 ? g.gw[l] : g.gb[l];
        out.assign(v.begin(), v.end());
    }
    return out;
}

}  // namespace

TEST_CASE_TEMPLATE("mlp gradients match finite differences", T, float, double) {
    mlp_params<T> p;
    p.allocate(tiny_shape());
    p.initialize(11, std::vector<bool>(6, true), 1.0);
    for (auto& d : p.layers)
        for (auto& b : d.b) b = T(0.05);  // keep ReLU inputs away from the kink
    const tiny_input in;
    std::vector<T> storage;
    const mlp_input<T> x = in.view(storage);
    const std::int32_t y[] = {2, 1};
    mlp_loss lc;
    lc.weight = {{1.0, 2.0, 0.5}, {1.5, 1.0}};
    lc.label_smoothing = 0.1;

    const mlp<T> net(p);
    mlp_scratch<T> s;
    mlp_grads<T> g;
    g.allocate(p);
    g.clear();
    net.forward(x, s);
    (void)net.loss(y, lc, T(1), s, &g.labelled);
    net.backward(x, s, g);

    // Numeric gradient in double on the same weights: accurate, so the float
    // case checks the float analytic gradient rather than float rounding.
    mlp_params<double> q = cast_params<double>(p);
    std::vector<double> qs;
    const mlp_input<double> qx = in.view(qs);
    auto loss_at = [&](mlp_params<double>& params) {
        const mlp<double> n(params);
        mlp_scratch<double> sc;
        n.forward(qx, sc);
        return n.loss(y, lc, 1.0, sc);
    };
    const double tol = std::is_same<T, float>::value ? 2e-4 : 1e-7;
    auto qa = arrays(q);
    std::size_t checked = 0;
    for (std::size_t a = 0; a < qa.size(); ++a) {
        const std::vector<double> analytic = dense_grad(g, p, a);
        REQUIRE(analytic.size() == qa[a]->size());
        for (std::size_t i = 0; i < qa[a]->size(); ++i) {
            double& w = (*qa[a])[i];
            const double keep = w, h = 1e-6;
            w = keep + h;
            const double up = loss_at(q);
            w = keep - h;
            const double down = loss_at(q);
            w = keep;
            const double numeric = (up - down) / (2 * h);
            CAPTURE(a);
            CAPTURE(i);
            CHECK(std::fabs(analytic[i] - numeric) <= tol * std::max(1.0, std::fabs(numeric)));
            ++checked;
        }
    }
    CHECK(checked > 100);
    // Rows of inactive features get no gradient at all (sparse backward).
    for (std::uint32_t r : g.rows) CHECK((r == 0 || r == 2 || r == 5));
}

TEST_CASE_TEMPLATE("a masked head gets zero gradient and Adam leaves it untouched", T, float, double) {
    mlp_params<T> p;
    p.allocate(tiny_shape());
    p.initialize(5, std::vector<bool>(6, true), 1.0);
    const mlp_params<T> before = p;
    const tiny_input in;
    std::vector<T> storage;
    const mlp_input<T> x = in.view(storage);
    const std::int32_t y[] = {-1, 1};  // softmax head unlabelled
    const mlp<T> net(p);
    mlp_scratch<T> s;
    mlp_grads<T> g;
    g.allocate(p);
    g.clear();
    net.forward(x, s);
    (void)net.loss(y, mlp_loss{}, T(1), s, &g.labelled);
    net.backward(x, s, g);
    CHECK(g.labelled[0] == 0);
    CHECK(g.labelled[1] == 1);
    const auto& hl = p.layers.back();
    for (std::size_t i = 0; i < hl.in; ++i)
        for (std::size_t o = 0; o < 3; ++o) CHECK(g.gw.back()[i * hl.out + o] == T(0));

    adam_config ac;
    ac.weight_decay = 0.1;  // decay must not move a head that saw no label
    adam<T> opt(p, ac);
    worker_pool pool(1);
    opt.step(p, g, 0.01, pool);
    const auto& after = p.layers.back();
    const auto& orig = before.layers.back();
    bool sigmoid_moved = false;
    for (std::size_t i = 0; i < hl.in; ++i) {
        for (std::size_t o = 0; o < 3; ++o) CHECK(after.wt[i * hl.out + o] == orig.wt[i * hl.out + o]);
        sigmoid_moved = sigmoid_moved || after.wt[i * hl.out + 3] != orig.wt[i * hl.out + 3];
    }
    for (std::size_t o = 0; o < 3; ++o) CHECK(after.b[o] == orig.b[o]);
    CHECK(sigmoid_moved);
    // Sparse rows outside the example are untouched too.
    for (std::uint32_t r : {1u, 3u, 4u})
        for (std::size_t j = 0; j < p.width0(); ++j) CHECK(p.w0[r * p.width0() + j] == before.w0[r * p.width0() + j]);
}

TEST_CASE_TEMPLATE("a merged ensemble predicts the mean of its members' logits", T, float, double) {
    std::vector<mlp_params<T>> members(3);
    for (std::size_t m = 0; m < members.size(); ++m) {
        mlp_shape shape = tiny_shape();
        shape.hidden = {4 + m, 3};  // widths may differ between members
        members[m].allocate(shape);
        members[m].initialize(100 + m, std::vector<bool>(6, true), 1.0);
        for (auto& b : members[m].b0) b = T(0.1) * static_cast<T>(m + 1);
        members[m].layers.back().b[1] = T(0.3) * static_cast<T>(m);
    }
    const mlp_params<T> merged = merge_ensemble(members);
    CHECK(merged.width0() == 4 + 5 + 6);
    CHECK(merged.shape.embedding_dim == 9);
    const tiny_input in;
    std::vector<T> storage;
    const mlp_input<T> x = in.view(storage);
    std::vector<double> mean(4, 0.0);
    for (const auto& m : members) {
        mlp_scratch<T> s;
        mlp<T>(m).forward(x, s);
        for (std::size_t o = 0; o < 4; ++o) mean[o] += static_cast<double>(s.logits[o]) / 3;
    }
    mlp_scratch<T> s;
    mlp<T>(merged).forward(x, s);
    for (std::size_t o = 0; o < 4; ++o) CHECK(static_cast<double>(s.logits[o]) == doctest::Approx(mean[o]).epsilon(1e-5));
}

namespace {

train_config toy_config() {
    train_config c;
    c.hidden = {24};
    c.char_buckets = 512;
    c.max_epochs = 12;
    c.patience = 50;
    c.batch_size = 8;
    c.optimizer.learning_rate = 0.01;
    c.validation_fraction = 0.2;
    c.seed = 3;
    c.ensemble = 1;  // one network: progress reports come in epoch order
    c.refit = false;  // and training/validation rows stay apart (the refit has its own test)
    // Few epochs on few rows: a constant rate, not the default decay.
    c.schedule = lr_schedule::constant;
    c.label_smoothing = 0.1;
    return c;
}

dataset toy_data() {
    dataset d;
    read_data_string(toy::intents_jsonl(), "toy.jsonl", {}, d);
    return d;
}

}  // namespace

TEST_CASE("train -> save -> load -> predict learns a separable toy task") {
    const dataset d = toy_data();
    REQUIRE(d.rows.size() == 126);
    std::size_t epochs_seen = 0;
    const auto res = train_model<float>(d, toy_config(), [&](const epoch_report& e) {
        ++epochs_seen;
        CHECK(e.epoch == epochs_seen);
        CHECK(std::isfinite(e.train_loss));
    });
    CHECK(epochs_seen == res.epochs.size());
    CHECK(res.train_examples + res.validation_examples == d.rows.size());
    CHECK(res.validation_examples > 0);
    REQUIRE(res.model.heads.size() == 2);
    CHECK(res.model.heads[0].name == "intent");
    CHECK(res.model.heads[0].labels == std::vector<std::string>{"login", "refund", "tracking"});
    CHECK(res.model.heads[1].labels == std::vector<std::string>{"negative", "positive"});
    const head_metrics* intent = res.validation.find("intent");
    REQUIRE(intent);
    CHECK(intent->accuracy >= 0.9);
    CHECK_FALSE(res.model.self_tests.empty());
    CHECK_FALSE(res.model.metrics_json.empty());

    const std::string text = save_model_to_string(res.model);
    const classifier clf = load_classifier_from_string(text);  // re-runs the embedded self-tests
    CHECK(clf.predict("could you refund my money").find("intent")->label == "refund");
    CHECK(clf.predict("where is the parcel now").find("intent")->label == "tracking");
    CHECK(clf.predict("my password does not work").find("intent")->label == "login");
    const auto reloaded = load_model_from_string<float>(text);
    const auto metrics = nlohmann::json::parse(reloaded.metrics_json);
    CHECK(metrics.at("validation").at("heads").at("intent").at("accuracy").get<double>() ==
          doctest::Approx(intent->accuracy).epsilon(1e-5));
    CHECK(metrics.at("training").at("examples").get<std::size_t>() == res.train_examples);
}

TEST_CASE("training is deterministic for a seed, whatever the thread count") {
    const dataset d = toy_data();
    train_config c = toy_config();
    c.max_epochs = 4;
    c.embedding_dim = 8;  // cover the embedding path too
    c.hidden = {16, 8};
    c.ensemble = 2;  // members train concurrently when threads allow: still one result
    c.threads = 1;
    const std::string a = save_model_to_string(train_model<float>(d, c).model);
    const std::string b = save_model_to_string(train_model<float>(d, c).model);
    c.threads = 3;
    const std::string t = save_model_to_string(train_model<float>(d, c).model);
    c.seed = 4;
    const std::string other = save_model_to_string(train_model<float>(d, c).model);
    CHECK(a == b);
    CHECK(a == t);
    CHECK(a != other);
}

TEST_CASE("ensembles and refits export one network that loads and predicts") {
    const dataset d = toy_data();
    train_config c = toy_config();
    c.ensemble = 2;
    c.refit = true;
    c.max_epochs = 8;
    std::size_t refit_epochs = 0, members_seen = 0;
    const auto res = train_model<float>(d, c, [&](const epoch_report& e) {
        refit_epochs += e.refit;
        members_seen = std::max(members_seen, e.member + 1);
    });
    CHECK(members_seen == 2);
    REQUIRE(res.best_epochs.size() == 2);
    CHECK(refit_epochs == res.best_epochs[0] + res.best_epochs[1]);
    CHECK(res.train_examples == d.rows.size());
    const auto& first = std::get<dense_spec<float>>(res.model.trunk.front());
    CHECK(first.out == 2 * c.hidden->front());
    const classifier clf = load_classifier_from_string(save_model_to_string(res.model));
    CHECK(clf.predict("refund my money please").find("intent")->label == "refund");
}

TEST_CASE("a configured head without labels in the data keeps its initial weights") {
    const dataset d = toy_data();
    train_config c = toy_config();
    head_config intent;
    intent.name = "intent";
    head_config urgent;
    urgent.name = "urgency";
    urgent.labels = {"low", "high"};
    c.heads = {intent, urgent};
    c.max_epochs = 1;
    const auto one = train_model<float>(d, c).model;
    c.max_epochs = 5;
    const auto five = train_model<float>(d, c).model;
    REQUIRE(one.heads.size() == 2);
    CHECK(one.heads[1].name == "urgency");
    // Same seed, same initialization: the unlabelled head never moved, the labelled one did.
    CHECK(one.heads[1].layer.weights == five.heads[1].layer.weights);
    CHECK(one.heads[1].layer.bias == five.heads[1].layer.bias);
    CHECK(one.heads[0].layer.weights != five.heads[0].layer.weights);
}

TEST_CASE("trainer errors: no trainable head, bad configuration") {
    dataset d;
    read_data_string("{\"text\": \"a\", \"intent\": \"x\"}\n{\"text\": \"b\", \"intent\": \"x\"}\n", "one.jsonl", {}, d);
    try {
        (void)train_model<float>(d);
        FAIL("expected a data_error");
    } catch (const data_error& e) {
        CHECK(e.code() == errc::data);
    }
    train_config c;
    c.hidden = std::vector<std::size_t>{};
    CHECK_THROWS_AS((void)train_model<float>(toy_data(), c), error);
    c = train_config{};
    c.dropout = 1.0;
    try {
        (void)train_model<float>(toy_data(), c);
        FAIL("expected an error");
    } catch (const error& e) {
        CHECK(e.code() == errc::argument);
        CHECK(e.where() == "dropout");
    }
}
