#include "msm.h"

#include <algorithm>
#include <thread>

namespace bn254 {

int chooseWindow(size_t n, size_t small) {
  // cost(c) = windows(c) * (big + 2 * 2^(c-1)) + 2 * small, in additions (a bucket-sum addition is a
  // full Jacobian one, ~1.4 mixed ones: counted as 1 to favour smaller windows, which also keep the
  // buckets in cache).
  const size_t big = n - small;
  int best = 1;
  double bestCost = 1e300;
  for (int c = 2; c <= 20; c++) {
    const int windows = 254 / c + 1;
    const double cost = (double)windows * ((double)big + 2.0 * (double)(1u << (c - 1))) + 2.0 * (double)small;
    if (cost < bestCost) {
      bestCost = cost;
      best = c;
    }
  }
  return best;
}

template <class F> static inline Affine<F> negAffine(const Affine<F> &p) { return Affine<F>{p.x, F::neg(p.y)}; }

// Signed digits of all scalars, window-major: digits[w * n + i].
static void recode(const uint64_t *scalars, size_t n, int c, int windows, std::vector<int32_t> &digits, size_t from, size_t to) {
  const uint64_t mask = (1ULL << c) - 1;
  const int32_t half = 1 << (c - 1);
  for (size_t i = from; i < to; i++) {
    const uint64_t *k = scalars + 4 * i;
    int32_t carry = 0;
    for (int w = 0; w < windows; w++) {
      const int bit = w * c;
      uint64_t v = 0;
      if (bit < 256) {
        const int limb = bit / 64, off = bit % 64;
        v = k[limb] >> off;
        if (off + c > 64 && limb < 3) v |= k[limb + 1] << (64 - off);
        v &= mask;
      }
      int32_t d = (int32_t)v + carry;
      if (d > half) {
        d -= (int32_t)(1 << c);
        carry = 1;
      } else {
        carry = 0;
      }
      digits[(size_t)w * n + i] = d;
    }
  }
}

template <class F>
static Jac<F> windowSum(const Affine<F> *bases, const int32_t *digits, size_t n, int c, std::vector<Jac<F>> &buckets) {
  const size_t nb = (size_t)1 << (c - 1);
  buckets.assign(nb, Jac<F>::inf());
  for (size_t i = 0; i < n; i++) {
    const int32_t d = digits[i];
    if (d == 0) continue;
    if (d > 0) {
      buckets[d - 1] = Jac<F>::addMixed(buckets[d - 1], bases[i]);
    } else {
      buckets[-d - 1] = Jac<F>::addMixed(buckets[-d - 1], negAffine(bases[i]));
    }
  }
  // sum_b (b+1) * buckets[b] = sum over suffixes of the running total
  Jac<F> running = Jac<F>::inf(), sum = Jac<F>::inf();
  for (size_t b = nb; b-- > 0;) {
    running = Jac<F>::add(running, buckets[b]);
    sum = Jac<F>::add(sum, running);
  }
  return sum;
}

template <class F> static Jac<F> msm(const Affine<F> *bases, const uint64_t *scalars, size_t n, int threads, MsmStats *stats) {
  if (n == 0) return Jac<F>::inf();
  size_t small = 0;
  for (size_t i = 0; i < n; i++) {
    const uint64_t *k = scalars + 4 * i;
    if ((k[1] | k[2] | k[3]) == 0 && (k[0] >> 32) == 0) small++;
  }
  const int c = chooseWindow(n, small);
  const int windows = 254 / c + 1;  // the extra window takes the last carry of the signed recoding
  if (stats) {
    stats->window = c;
    stats->windows = windows;
  }
  threads = std::max(1, std::min(threads, windows));
  std::vector<int32_t> digits((size_t)windows * n);
  std::vector<Jac<F>> sums(windows);
  if (threads == 1) {
    recode(scalars, n, c, windows, digits, 0, n);
    std::vector<Jac<F>> buckets;
    for (int w = 0; w < windows; w++) sums[w] = windowSum(bases, digits.data() + (size_t)w * n, n, c, buckets);
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; t++) {
      pool.emplace_back([&, t] { recode(scalars, n, c, windows, digits, n * t / threads, n * (t + 1) / threads); });
    }
    for (auto &th : pool) th.join();
    pool.clear();
    // windows dealt round-robin: the top windows are sparse (small digits), so interleaving balances load
    for (int t = 0; t < threads; t++) {
      pool.emplace_back([&, t] {
        std::vector<Jac<F>> buckets;
        for (int w = t; w < windows; w += threads) sums[w] = windowSum(bases, digits.data() + (size_t)w * n, n, c, buckets);
      });
    }
    for (auto &th : pool) th.join();
  }
  Jac<F> acc = sums[windows - 1];
  for (int w = windows - 2; w >= 0; w--) {
    for (int i = 0; i < c; i++) acc = Jac<F>::dbl(acc);
    acc = Jac<F>::add(acc, sums[w]);
  }
  return acc;
}

G1 msmG1(const G1Affine *bases, const uint64_t *scalars, size_t n, int threads, MsmStats *stats) { return msm<Fq>(bases, scalars, n, threads, stats); }
G2 msmG2(const G2Affine *bases, const uint64_t *scalars, size_t n, int threads, MsmStats *stats) { return msm<Fq2>(bases, scalars, n, threads, stats); }

}  // namespace bn254
