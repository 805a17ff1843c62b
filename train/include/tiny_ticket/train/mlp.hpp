// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <tiny_ticket/model.hpp>
#include <tiny_ticket/train/rng.hpp>

namespace tiny_ticket::train {

/// Where one head's logits sit in the fused head layer.
struct head_slot {
    std::size_t offset = 0;
    std::size_t outputs = 0;
    head_kind kind = head_kind::softmax;
};

/// Shape of a trainable network: sparse input (+ optional mean embedding),
/// `hidden` dense+ReLU layers, and one fused output layer for all heads.
struct mlp_shape {
    std::size_t sparse_width = 0;
    std::size_t embedding_rows = 0;
    std::size_t embedding_dim = 0;
    std::vector<std::size_t> hidden;  ///< at least one layer
    std::vector<head_slot> heads;
};

/// One example's input: views of active sparse features and embedding rows.
template <class T>
struct mlp_input {
    const std::uint32_t* index = nullptr;
    const T* value = nullptr;
    std::size_t nnz = 0;
    const std::int32_t* embedding_rows = nullptr;
    std::size_t tokens = 0;
};

/// Loss settings: per head and label, the weight of an example with that
/// gold label (class weight times head weight); label smoothing.
struct mlp_loss {
    std::vector<std::vector<double>> weight;
    double label_smoothing = 0;
};

/// Parameters of the trainable network. Every weight matrix is stored
/// transposed (`in x out`, one contiguous row per input), the layout of the
/// inference network: the sparse first layer gathers and scatters whole
/// rows, and dense layers run as axpy sequences.
template <class T>
struct mlp_params {
    struct dense {
        std::size_t in = 0, out = 0;
        std::vector<T> wt;  ///< in x out
        std::vector<T> b;
    };
    mlp_shape shape;
    std::vector<T> w0;   ///< sparse_width x hidden[0]
    std::vector<T> b0;   ///< hidden[0]
    std::vector<T> emb;  ///< embedding_rows x embedding_dim
    std::vector<T> w0e;  ///< embedding_dim x hidden[0]
    /// Hidden layers after the first, then the fused head layer (last).
    std::vector<dense> layers;

    std::size_t width0() const noexcept { return shape.hidden.front(); }
    std::size_t logits() const noexcept { return layers.back().out; }

    /// Allocates zero parameters for `s` (s.hidden must not be empty).
    void allocate(const mlp_shape& s) {
        shape = s;
        const std::size_t h0 = s.hidden.front();
        w0.assign(s.sparse_width * h0, T(0));
        b0.assign(h0, T(0));
        emb.assign(s.embedding_rows * s.embedding_dim, T(0));
        w0e.assign(s.embedding_dim * h0, T(0));
        layers.clear();
        std::size_t in = h0;
        for (std::size_t l = 1; l < s.hidden.size(); ++l) {
            layers.push_back({in, s.hidden[l], std::vector<T>(in * s.hidden[l], T(0)), std::vector<T>(s.hidden[l], T(0))});
            in = s.hidden[l];
        }
        std::size_t out = 0;
        for (const auto& h : s.heads) out = std::max(out, h.offset + h.outputs);
        layers.push_back({in, out, std::vector<T>(in * out, T(0)), std::vector<T>(out, T(0))});
    }

    /// Random initialization. Rows of sparse features with `active[i] ==
    /// false` stay zero: they never receive a gradient, so a random value
    /// would only add noise when such a feature shows up at inference.
    /// `input_norm2` is the mean squared norm of an input vector, used to
    /// give first-layer pre-activations unit scale.
    void initialize(std::uint64_t seed, const std::vector<bool>& active, double input_norm2) {
        rng g(seed);
        auto fill = [&g](T* p, std::size_t n, double a) {
            for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<T>((2.0 * g.uniform() - 1.0) * a);
        };
        const std::size_t h0 = width0();
        const double a0 = std::sqrt(3.0 / std::max(input_norm2, 1e-3));
        for (std::size_t i = 0; i < shape.sparse_width; ++i)
            if (i < active.size() && active[i]) fill(w0.data() + i * h0, h0, a0);
        if (shape.embedding_dim) {
            fill(emb.data(), emb.size(), 1.0 / static_cast<double>(shape.embedding_dim));
            fill(w0e.data(), w0e.size(), std::sqrt(6.0 / static_cast<double>(shape.embedding_dim + h0)));
        }
        for (std::size_t l = 0; l < layers.size(); ++l) {
            auto& d = layers[l];
            const bool head = l + 1 == layers.size();
            const double a = head ? std::sqrt(6.0 / static_cast<double>(d.in + d.out)) : std::sqrt(6.0 / static_cast<double>(d.in));
            fill(d.wt.data(), d.wt.size(), a);
        }
    }
};

/// Gradient accumulators of one chunk of a mini-batch. Sparse rows (first
/// layer, embeddings) are kept compact: `slot[i]` is the position of input
/// row i in `rows`/`g0`, or -1.
template <class T>
struct mlp_grads {
    std::vector<std::int32_t> slot;
    std::vector<std::uint32_t> rows;
    std::vector<T> g0;
    std::vector<std::int32_t> eslot;
    std::vector<std::uint32_t> erows;
    std::vector<T> ge;
    std::vector<T> gb0, gw0e;
    std::vector<std::vector<T>> gw, gb;
    std::vector<std::size_t> labelled;  ///< per head: labelled examples seen
    double loss = 0;
    std::size_t examples = 0;

    void allocate(const mlp_params<T>& p) {
        slot.assign(p.shape.sparse_width, -1);
        eslot.assign(p.shape.embedding_rows, -1);
        gb0.assign(p.width0(), T(0));
        gw0e.assign(p.w0e.size(), T(0));
        gw.clear();
        gb.clear();
        for (const auto& d : p.layers) {
            gw.emplace_back(d.wt.size(), T(0));
            gb.emplace_back(d.b.size(), T(0));
        }
        labelled.assign(p.shape.heads.size(), 0);
        rows.clear();
        erows.clear();
        g0.clear();
        ge.clear();
    }

    void clear() {
        for (std::uint32_t r : rows) slot[r] = -1;
        for (std::uint32_t r : erows) eslot[r] = -1;
        rows.clear();
        erows.clear();
        g0.clear();
        ge.clear();
        std::fill(gb0.begin(), gb0.end(), T(0));
        std::fill(gw0e.begin(), gw0e.end(), T(0));
        for (auto& v : gw) std::fill(v.begin(), v.end(), T(0));
        for (auto& v : gb) std::fill(v.begin(), v.end(), T(0));
        std::fill(labelled.begin(), labelled.end(), 0);
        loss = 0;
        examples = 0;
    }

    /// Row of the first-layer gradient for input feature `i` (created zeroed).
    T* row(std::uint32_t i, std::size_t width) {
        std::int32_t& s = slot[i];
        if (s < 0) {
            s = static_cast<std::int32_t>(rows.size());
            rows.push_back(i);
            g0.resize(g0.size() + width, T(0));
        }
        return g0.data() + static_cast<std::size_t>(s) * width;
    }
    T* erow(std::uint32_t i, std::size_t width) {
        std::int32_t& s = eslot[i];
        if (s < 0) {
            s = static_cast<std::int32_t>(erows.size());
            erows.push_back(i);
            ge.resize(ge.size() + width, T(0));
        }
        return ge.data() + static_cast<std::size_t>(s) * width;
    }

    /// Adds `o`'s gradients into this one (rows of `o` in their order, so
    /// the reduction order is fixed).
    void add(const mlp_grads& o, std::size_t width0, std::size_t edim) {
        for (std::size_t k = 0; k < o.rows.size(); ++k) {
            T* d = row(o.rows[k], width0);
            const T* s = o.g0.data() + k * width0;
            for (std::size_t j = 0; j < width0; ++j) d[j] += s[j];
        }
        for (std::size_t k = 0; k < o.erows.size(); ++k) {
            T* d = erow(o.erows[k], edim);
            const T* s = o.ge.data() + k * edim;
            for (std::size_t j = 0; j < edim; ++j) d[j] += s[j];
        }
        for (std::size_t j = 0; j < gb0.size(); ++j) gb0[j] += o.gb0[j];
        for (std::size_t j = 0; j < gw0e.size(); ++j) gw0e[j] += o.gw0e[j];
        for (std::size_t l = 0; l < gw.size(); ++l) {
            for (std::size_t j = 0; j < gw[l].size(); ++j) gw[l][j] += o.gw[l][j];
            for (std::size_t j = 0; j < gb[l].size(); ++j) gb[l][j] += o.gb[l][j];
        }
        for (std::size_t h = 0; h < labelled.size(); ++h) labelled[h] += o.labelled[h];
        loss += o.loss;
        examples += o.examples;
    }
};

/// Per-thread buffers of one forward/backward pass.
template <class T>
struct mlp_scratch {
    std::vector<std::uint32_t> index;
    std::vector<T> value;
    std::vector<T> u;                   ///< mean embedding
    std::vector<T> du;                  ///< its gradient
    std::vector<std::vector<T>> act;    ///< post-ReLU(-dropout) activations per hidden layer
    std::vector<std::vector<T>> scale;  ///< dropout scale per unit (0 or 1/(1-p))
    std::vector<std::vector<T>> delta;  ///< gradient w.r.t. pre-activations
    std::vector<T> logits, dlogits;
};

/// Forward and backward passes of mlp_params. Stateless apart from the
/// parameters it points to; safe to use from several threads with separate
/// scratch and gradient objects.
template <class T>
class mlp {
public:
    explicit mlp(const mlp_params<T>& p) : p_(&p) {}

    void prepare(mlp_scratch<T>& s) const {
        const auto& sh = p_->shape;
        s.act.resize(sh.hidden.size());
        s.scale.resize(sh.hidden.size());
        s.delta.resize(sh.hidden.size());
        for (std::size_t l = 0; l < sh.hidden.size(); ++l) {
            s.act[l].resize(sh.hidden[l]);
            s.scale[l].resize(sh.hidden[l]);
            s.delta[l].resize(sh.hidden[l]);
        }
        s.u.resize(sh.embedding_dim);
        s.du.resize(sh.embedding_dim);
        s.logits.resize(p_->logits());
        s.dlogits.resize(p_->logits());
    }

    /// Computes logits into `s.logits`. With `g` non-null, applies input
    /// dropout `p_in` and hidden dropout `p_hidden` drawn from `g`.
    void forward(const mlp_input<T>& x, mlp_scratch<T>& s, rng* g = nullptr, double p_in = 0,
                 double p_hidden = 0) const {
        prepare(s);
        const mlp_params<T>& p = *p_;
        const std::size_t h0 = p.width0();
        s.index.clear();
        s.value.clear();
        const bool drop_in = g && p_in > 0;
        const T keep_in = drop_in ? static_cast<T>(1.0 / (1.0 - p_in)) : T(1);
        for (std::size_t k = 0; k < x.nnz; ++k) {
            if (drop_in && g->uniform() < p_in) continue;
            s.index.push_back(x.index[k]);
            s.value.push_back(x.value[k] * keep_in);
        }
        T* a = s.act[0].data();
        for (std::size_t j = 0; j < h0; ++j) a[j] = p.b0[j];
        for (std::size_t k = 0; k < s.index.size(); ++k) axpy(s.value[k], p.w0.data() + std::size_t(s.index[k]) * h0, a, h0);
        const std::size_t dim = p.shape.embedding_dim;
        if (dim && x.tokens) {
            std::fill(s.u.begin(), s.u.end(), T(0));
            for (std::size_t t = 0; t < x.tokens; ++t)
                axpy(T(1), p.emb.data() + std::size_t(x.embedding_rows[t]) * dim, s.u.data(), dim);
            const T inv = T(1) / static_cast<T>(x.tokens);
            for (std::size_t d = 0; d < dim; ++d) {
                s.u[d] *= inv;
                axpy(s.u[d], p.w0e.data() + d * h0, a, h0);
            }
        } else if (dim) {
            std::fill(s.u.begin(), s.u.end(), T(0));
        }
        activate(s, 0, g, p_hidden);
        for (std::size_t l = 0; l + 1 < p.layers.size(); ++l) {
            dense_forward(p.layers[l], s.act[l].data(), s.act[l + 1].data());
            activate(s, l + 1, g, p_hidden);
        }
        dense_forward(p.layers.back(), s.act.back().data(), s.logits.data());
    }

    /// Loss of the logits in `s` for targets `y` (per head, -1 = masked) and
    /// the scaled gradient (`grad_scale` times d loss / d logits) into
    /// `s.dlogits`. Returns the weighted loss; counts labelled heads.
    double loss(const std::int32_t* y, const mlp_loss& lc, T grad_scale, mlp_scratch<T>& s,
                std::vector<std::size_t>* labelled = nullptr) const {
        const auto& heads = p_->shape.heads;
        std::fill(s.dlogits.begin(), s.dlogits.end(), T(0));
        double total = 0;
        for (std::size_t h = 0; h < heads.size(); ++h) {
            if (y[h] < 0) continue;
            const auto label = static_cast<std::size_t>(y[h]);
            const head_slot& hs = heads[h];
            const double w = lc.weight.empty() ? 1.0 : lc.weight[h][label];
            if (labelled) ++(*labelled)[h];
            if (w == 0) continue;
            const double eps = lc.label_smoothing;
            const T* z = s.logits.data() + hs.offset;
            T* dz = s.dlogits.data() + hs.offset;
            if (hs.kind == head_kind::sigmoid) {
                const double t = (label == 1 ? 1.0 : 0.0) * (1 - eps) + eps / 2;
                const double zz = static_cast<double>(z[0]);
                // log(1+e^-z) and log(1+e^z) without overflow
                const double lp = -softplus(-zz), lq = -softplus(zz);
                total += -w * (t * lp + (1 - t) * lq);
                const double prob = 1.0 / (1.0 + std::exp(-zz));
                dz[0] = static_cast<T>(w * (prob - t)) * grad_scale;
            } else {
                const std::size_t k = hs.outputs;
                double mx = static_cast<double>(z[0]);
                for (std::size_t c = 1; c < k; ++c) mx = std::max(mx, static_cast<double>(z[c]));
                double sum = 0;
                for (std::size_t c = 0; c < k; ++c) sum += std::exp(static_cast<double>(z[c]) - mx);
                const double lse = mx + std::log(sum);
                const double off = eps / static_cast<double>(k);
                for (std::size_t c = 0; c < k; ++c) {
                    const double logp = static_cast<double>(z[c]) - lse;
                    const double q = (c == label ? 1.0 - eps : 0.0) + off;
                    total -= w * q * logp;
                    dz[c] = static_cast<T>(w * (std::exp(logp) - q)) * grad_scale;
                }
            }
        }
        return total;
    }

    /// Backpropagates `s.dlogits` (after forward with the same scratch),
    /// accumulating into `g`.
    void backward(const mlp_input<T>& x, mlp_scratch<T>& s, mlp_grads<T>& g) const {
        const mlp_params<T>& p = *p_;
        const std::size_t nl = p.layers.size();
        const T* dy = s.dlogits.data();
        for (std::size_t l = nl; l-- > 0;) {
            const auto& d = p.layers[l];
            const T* xin = s.act[l].data();
            T* gw = g.gw[l].data();
            T* gb = g.gb[l].data();
            T* dx = s.delta[l].data();
            for (std::size_t o = 0; o < d.out; ++o) gb[o] += dy[o];
            for (std::size_t i = 0; i < d.in; ++i) {
                const T v = xin[i];
                // A zero activation is a dead ReLU or a dropped unit: no gradient flows through it.
                if (v == T(0)) {
                    dx[i] = T(0);
                    continue;
                }
                axpy(v, dy, gw + i * d.out, d.out);
                const T* w = d.wt.data() + i * d.out;
                T acc = 0;
                for (std::size_t o = 0; o < d.out; ++o) acc += w[o] * dy[o];
                dx[i] = acc * s.scale[l][i];
            }
            dy = dx;
        }
        const std::size_t h0 = p.width0();
        const T* d0 = s.delta[0].data();
        for (std::size_t j = 0; j < h0; ++j) g.gb0[j] += d0[j];
        for (std::size_t k = 0; k < s.index.size(); ++k) axpy(s.value[k], d0, g.row(s.index[k], h0), h0);
        const std::size_t dim = p.shape.embedding_dim;
        if (dim && x.tokens) {
            std::vector<T>& du = s.du;
            for (std::size_t d = 0; d < dim; ++d) {
                const T* w = p.w0e.data() + d * h0;
                T acc = 0;
                for (std::size_t j = 0; j < h0; ++j) acc += w[j] * d0[j];
                du[d] = acc / static_cast<T>(x.tokens);
                axpy(s.u[d], d0, g.gw0e.data() + d * h0, h0);
            }
            for (std::size_t t = 0; t < x.tokens; ++t)
                axpy(T(1), du.data(), g.erow(static_cast<std::uint32_t>(x.embedding_rows[t]), dim), dim);
        }
    }

    static void axpy(T a, const T* x, T* y, std::size_t n) noexcept {
        for (std::size_t i = 0; i < n; ++i) y[i] += a * x[i];
    }

private:
    static double softplus(double x) noexcept { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

    static void dense_forward(const typename mlp_params<T>::dense& d, const T* x, T* y) noexcept {
        for (std::size_t o = 0; o < d.out; ++o) y[o] = d.b[o];
        for (std::size_t i = 0; i < d.in; ++i) {
            const T v = x[i];
            if (v == T(0)) continue;
            axpy(v, d.wt.data() + i * d.out, y, d.out);
        }
    }

    void activate(mlp_scratch<T>& s, std::size_t l, rng* g, double p_drop) const {
        T* a = s.act[l].data();
        T* sc = s.scale[l].data();
        const std::size_t n = s.act[l].size();
        const bool drop = g && p_drop > 0;
        const T keep = drop ? static_cast<T>(1.0 / (1.0 - p_drop)) : T(1);
        for (std::size_t j = 0; j < n; ++j) {
            sc[j] = (drop && g->uniform() < p_drop) ? T(0) : keep;
            a[j] = a[j] > T(0) ? a[j] * sc[j] : T(0);
        }
    }

    const mlp_params<T>* p_;
};

/// One network whose logits are the mean of the members' logits (members of
/// equal shape apart from widths): hidden units side by side, later layers
/// block-diagonal, head weights and biases averaged. Allocates.
template <class T>
mlp_params<T> merge_ensemble(const std::vector<mlp_params<T>>& ms) {
    const std::size_t k = ms.size();
    mlp_shape shape = ms.front().shape;
    shape.embedding_dim = 0;
    for (auto& h : shape.hidden) h = 0;
    for (const auto& m : ms) {
        shape.embedding_dim += m.shape.embedding_dim;
        for (std::size_t l = 0; l < shape.hidden.size(); ++l) shape.hidden[l] += m.shape.hidden[l];
    }
    mlp_params<T> out;
    out.allocate(shape);
    const std::size_t h0 = out.width0(), dim = shape.embedding_dim;
    std::size_t col = 0, dcol = 0;
    std::vector<std::size_t> lcol(out.layers.size(), 0), lrow(out.layers.size(), 0);
    for (const auto& m : ms) {
        const std::size_t mh = m.width0(), md = m.shape.embedding_dim;
        for (std::size_t i = 0; i < shape.sparse_width; ++i)
            std::copy_n(m.w0.data() + i * mh, mh, out.w0.data() + i * h0 + col);
        std::copy_n(m.b0.data(), mh, out.b0.data() + col);
        for (std::size_t r = 0; r < shape.embedding_rows; ++r)
            std::copy_n(m.emb.data() + r * md, md, out.emb.data() + r * dim + dcol);
        for (std::size_t d = 0; d < md; ++d) std::copy_n(m.w0e.data() + d * mh, mh, out.w0e.data() + (dcol + d) * h0 + col);
        for (std::size_t l = 0; l < out.layers.size(); ++l) {
            const auto& src = m.layers[l];
            auto& dst = out.layers[l];
            const bool head = l + 1 == out.layers.size();
            const std::size_t oc = head ? 0 : lcol[l];
            for (std::size_t i = 0; i < src.in; ++i)
                for (std::size_t o = 0; o < src.out; ++o)
                    dst.wt[(lrow[l] + i) * dst.out + oc + o] = head ? src.wt[i * src.out + o] / static_cast<T>(k)
                                                                    : src.wt[i * src.out + o];
            for (std::size_t o = 0; o < src.out; ++o)
                dst.b[oc + o] += head ? src.b[o] / static_cast<T>(k) : src.b[o];
            lrow[l] += src.in;
            if (!head) lcol[l] += src.out;
        }
        col += mh;
        dcol += md;
    }
    return out;
}

}  // namespace tiny_ticket::train
