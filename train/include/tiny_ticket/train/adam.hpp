// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <cstddef>
#include <type_traits>
#include <vector>

#if defined(__SSE__) || defined(_M_X64)
#include <xmmintrin.h>
#define TINY_TICKET_TRAIN_SSE 1
#endif

#include <tiny_ticket/train/mlp.hpp>
#include <tiny_ticket/train/worker_pool.hpp>

namespace tiny_ticket::train {

/// Adam settings; `weight_decay` > 0 gives AdamW (decoupled decay of
/// weights, never of biases).
struct adam_config {
    double learning_rate = 5e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double epsilon = 1e-8;
    double weight_decay = 0;
};

/// Adam for mlp_params with lazy sparse updates: first-layer and embedding
/// rows are updated only in steps whose mini-batch touched them (moments of
/// untouched rows are left as they are, as in LazyAdam), which makes a step
/// cost proportional to the active features instead of the vocabulary.
/// Every element is updated independently, so splitting the work across
/// threads gives bit-identical results.
template <class T>
class adam {
public:
    adam() = default;
    adam(const mlp_params<T>& p, adam_config cfg) : cfg_(cfg) {
        mw0_.assign(p.w0.size(), T(0));
        vw0_.assign(p.w0.size(), T(0));
        memb_.assign(p.emb.size(), T(0));
        vemb_.assign(p.emb.size(), T(0));
        mb0_.assign(p.b0.size(), T(0));
        vb0_.assign(p.b0.size(), T(0));
        mw0e_.assign(p.w0e.size(), T(0));
        vw0e_.assign(p.w0e.size(), T(0));
        for (const auto& d : p.layers) {
            mw_.emplace_back(d.wt.size(), T(0));
            vw_.emplace_back(d.wt.size(), T(0));
            mb_.emplace_back(d.b.size(), T(0));
            vb_.emplace_back(d.b.size(), T(0));
        }
    }

    std::size_t steps() const noexcept { return t_; }

    /// With `on`, steps update only the fused head layer: the trunk (first
    /// layer, embeddings, hidden layers) keeps its values bit for bit.
    void freeze_trunk(bool on) noexcept { frozen_ = on; }
    /// With `on`, steps leave the embedding table as it is (pretrained rows
    /// kept fixed); everything else trains.
    void freeze_embedding(bool on) noexcept { frozen_embedding_ = on; }

    /// One update with gradients `g` at learning rate `lr`. Columns of heads
    /// with no labelled example in `g` are left untouched (their gradient is
    /// zero, and weight decay must not move a head that saw no data).
    void step(mlp_params<T>& p, const mlp_grads<T>& g, double lr, worker_pool& pool) {
        ++t_;
        const double c1 = 1.0 / (1.0 - std::pow(cfg_.beta1, static_cast<double>(t_)));
        const double c2 = 1.0 / (1.0 - std::pow(cfg_.beta2, static_cast<double>(t_)));
        const coeffs k{static_cast<T>(cfg_.beta1), static_cast<T>(cfg_.beta2), static_cast<T>(lr * c1),
                       static_cast<T>(c2), static_cast<T>(cfg_.epsilon), static_cast<T>(lr * cfg_.weight_decay)};
        const std::size_t h0 = p.width0();
        const std::size_t dim = p.shape.embedding_dim;
        const std::size_t tasks = pool.size();
        pool.run(tasks, [&](std::size_t task) {
            const std::size_t n = frozen_ ? 0 : g.rows.size();
            for (std::size_t r = n * task / tasks; r < n * (task + 1) / tasks; ++r) {
                const std::size_t off = std::size_t(g.rows[r]) * h0;
                update(p.w0.data() + off, mw0_.data() + off, vw0_.data() + off, g.g0.data() + r * h0, h0, k, true);
            }
            const std::size_t ne = frozen_ || frozen_embedding_ ? 0 : g.erows.size();
            for (std::size_t r = ne * task / tasks; r < ne * (task + 1) / tasks; ++r) {
                const std::size_t off = std::size_t(g.erows[r]) * dim;
                update(p.emb.data() + off, memb_.data() + off, vemb_.data() + off, g.ge.data() + r * dim, dim, k, true);
            }
            if (task + 1 != tasks) return;
            // The small dense parameters go to the last task, which has the fewest rows.
            if (!frozen_) update(p.b0.data(), mb0_.data(), vb0_.data(), g.gb0.data(), p.b0.size(), k, false);
            if (dim && !frozen_) update(p.w0e.data(), mw0e_.data(), vw0e_.data(), g.gw0e.data(), p.w0e.size(), k, true);
            for (std::size_t l = 0; !frozen_ && l + 1 < p.layers.size(); ++l) {
                auto& d = p.layers[l];
                update(d.wt.data(), mw_[l].data(), vw_[l].data(), g.gw[l].data(), d.wt.size(), k, true);
                update(d.b.data(), mb_[l].data(), vb_[l].data(), g.gb[l].data(), d.b.size(), k, false);
            }
            const std::size_t l = p.layers.size() - 1;
            auto& d = p.layers[l];
            for (std::size_t h = 0; h < p.shape.heads.size(); ++h) {
                if (g.labelled[h] == 0) continue;
                const head_slot& hs = p.shape.heads[h];
                for (std::size_t i = 0; i < d.in; ++i) {
                    const std::size_t off = i * d.out + hs.offset;
                    update(d.wt.data() + off, mw_[l].data() + off, vw_[l].data() + off, g.gw[l].data() + off, hs.outputs, k, true);
                }
                update(d.b.data() + hs.offset, mb_[l].data() + hs.offset, vb_[l].data() + hs.offset,
                       g.gb[l].data() + hs.offset, hs.outputs, k, false);
            }
        });
    }

private:
    struct coeffs {
        T b1, b2, lr_c1, c2, eps, decay;
    };

    static void update(T* w, T* m, T* v, const T* g, std::size_t n, const coeffs& k, bool decay) noexcept {
        const T one = T(1);
        std::size_t i = 0;
#ifdef TINY_TICKET_TRAIN_SSE
        // std::sqrt must set errno for negative input, which stops the
        // auto-vectorizer; sqrtps is exact, so both paths give identical bits.
        if constexpr (std::is_same<T, float>::value) {
            const __m128 b1 = _mm_set1_ps(k.b1), b2 = _mm_set1_ps(k.b2), nb1 = _mm_set1_ps(one - k.b1),
                         nb2 = _mm_set1_ps(one - k.b2), lr = _mm_set1_ps(k.lr_c1), c2 = _mm_set1_ps(k.c2),
                         eps = _mm_set1_ps(k.eps), dec = _mm_set1_ps(decay ? k.decay : T(0));
            for (; i + 4 <= n; i += 4) {
                const __m128 gi = _mm_loadu_ps(g + i);
                const __m128 mi = _mm_add_ps(_mm_mul_ps(b1, _mm_loadu_ps(m + i)), _mm_mul_ps(nb1, gi));
                const __m128 vi = _mm_add_ps(_mm_mul_ps(b2, _mm_loadu_ps(v + i)), _mm_mul_ps(_mm_mul_ps(nb2, gi), gi));
                _mm_storeu_ps(m + i, mi);
                _mm_storeu_ps(v + i, vi);
                __m128 u = _mm_div_ps(_mm_mul_ps(lr, mi), _mm_add_ps(_mm_sqrt_ps(_mm_mul_ps(vi, c2)), eps));
                const __m128 wi = _mm_loadu_ps(w + i);
                if (decay) u = _mm_add_ps(u, _mm_mul_ps(dec, wi));
                _mm_storeu_ps(w + i, _mm_sub_ps(wi, u));
            }
        }
#endif
        for (; i < n; ++i) {
            m[i] = k.b1 * m[i] + (one - k.b1) * g[i];
            v[i] = k.b2 * v[i] + (one - k.b2) * g[i] * g[i];
            T u = k.lr_c1 * m[i] / (std::sqrt(v[i] * k.c2) + k.eps);
            if (decay) u += k.decay * w[i];
            w[i] -= u;
        }
    }

    adam_config cfg_;
    std::size_t t_ = 0;
    bool frozen_ = false;
    bool frozen_embedding_ = false;
    std::vector<T> mw0_, vw0_, memb_, vemb_, mb0_, vb0_, mw0e_, vw0e_;
    std::vector<std::vector<T>> mw_, vw_, mb_, vb_;
};

}  // namespace tiny_ticket::train
