#include "msm.h"

#include <algorithm>
#include <thread>
#include <utility>

namespace bn254 {

int chooseWindow(size_t n, size_t small) {
  // cost(c) = windows(c) * (big + 4 * 2^(c-1)) + 2 * small, in batched affine additions (~6 field
  // multiplications); each bucket costs a mixed and a full Jacobian addition in the running sum
  // (~27 multiplications, counted as 4 to favour smaller windows, whose buckets stay in cache).
  const size_t big = n - small;
  int best = 1;
  double bestCost = 1e300;
  for (int c = 2; c <= 20; c++) {
    const int windows = 254 / c + 1;
    const double cost = (double)windows * ((double)big + 4.0 * (double)(1u << (c - 1))) + 2.0 * (double)small;
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

// Window sum with Jacobian buckets (mixed additions): for small windows, where a batch of distinct
// buckets would be too small to amortise an inversion.
template <class F>
static Jac<F> windowSumJacobian(const Affine<F> *bases, const int32_t *digits, size_t n, int c) {
  const size_t nb = (size_t)1 << (c - 1);
  std::vector<Jac<F>> buckets(nb, Jac<F>::inf());
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

// Window sum with affine buckets and batched affine additions. An affine addition P + Q needs
// lambda = (yQ - yP) / (xQ - xP): 1/(xQ - xP) for a whole batch of additions costs one inversion plus
// 3 multiplications each (Montgomery's trick: prefix products, one inverse, walk back), so an addition
// is ~6 multiplications instead of the 11 of a mixed Jacobian one. A batch may touch a bucket only
// once: a point whose bucket is already in the batch goes into that bucket's Jacobian twin instead
// (a mixed addition), and the running sum adds both. Batches hold up to 512 additions.
template <class F> struct AffineBuckets {
  std::vector<Affine<F>> bucket;
  std::vector<Jac<F>> twin;        // the conflicting additions, per bucket
  std::vector<uint8_t> set, busy;  // bucket holds a point; bucket is in the current batch
  std::vector<uint32_t> bIdx;      // the batch: bucket index and the point to add
  std::vector<Affine<F>> bPt;
  std::vector<F> dx, prefix;
  size_t cap = 0;

  void reset(size_t nb, size_t batch) {
    bucket.resize(nb);
    twin.assign(nb, Jac<F>::inf());
    set.assign(nb, 0);
    busy.assign(nb, 0);
    cap = batch;
    bIdx.clear();
    bPt.clear();
    dx.resize(batch);
    prefix.resize(batch);
  }

  // Adds every queued pair: bucket = bucket + point, affine, one shared inversion.
  void flush() {
    const size_t m = bIdx.size();
    if (m == 0) return;
    // Two interleaved product chains (even and odd k), so consecutive multiplications do not wait on
    // each other; one inversion serves both: 1/A0 = A1/(A0 A1), 1/A1 = A0/(A0 A1).
    F acc[2] = {F::one(), F::one()};
    for (size_t k = 0; k < m; k++) {
      prefix[k] = acc[k & 1];  // product of dx[j] for j < k of the same parity
      acc[k & 1] = F::mul(acc[k & 1], dx[k]);
    }
    const F both = F::inv(F::mul(acc[0], acc[1]));
    F inv[2] = {F::mul(both, acc[1]), F::mul(both, acc[0])};
    for (size_t k = m; k-- > 0;) {
      const F invK = F::mul(inv[k & 1], prefix[k]);  // 1 / dx[k]
      inv[k & 1] = F::mul(inv[k & 1], dx[k]);
      Affine<F> &b = bucket[bIdx[k]];
      const Affine<F> &p = bPt[k];
      const F lambda = F::mul(F::sub(p.y, b.y), invK);
      const F x3 = F::sub(F::sub(F::sqr(lambda), b.x), p.x);
      b.y = F::sub(F::mul(lambda, F::sub(b.x, x3)), b.y);
      b.x = x3;
      busy[bIdx[k]] = 0;
    }
    bIdx.clear();
    bPt.clear();
  }

  // bucket[b] += p (p finite): queued in the batch, or into the twin when b is already in it.
  void add(uint32_t b, const Affine<F> &p) {
    if (busy[b]) {
      twin[b] = Jac<F>::addMixed(twin[b], p);
      return;
    }
    if (!set[b]) {
      bucket[b] = p;
      set[b] = 1;
      return;
    }
    Affine<F> &q = bucket[b];
    const F d = F::sub(p.x, q.x);
    if (d.isZero()) {
      // same x: p = q (double, its own inversion; rare) or p = -q (the bucket empties)
      if (p.y == q.y) {
        Jac<F> t = Jac<F>::dbl(Jac<F>::fromAffine(q));
        q = t.toAffine();
        set[b] = !t.isInf();
      } else {
        set[b] = 0;
      }
      return;
    }
    busy[b] = 1;
    dx[bIdx.size()] = d;
    bIdx.push_back(b);
    bPt.push_back(p);
    if (bIdx.size() == cap) flush();
  }
};

template <class F> static inline Affine<F> signedPoint(const Affine<F> &p, int32_t d) { return d > 0 ? p : negAffine(p); }

template <class F>
static Jac<F> windowSumAffine(const Affine<F> *bases, const int32_t *digits, size_t n, int c, AffineBuckets<F> &ab) {
  const size_t nb = (size_t)1 << (c - 1);
  ab.reset(nb, std::min<size_t>(512, nb / 4));
  for (size_t i = 0; i < n; i++) {
    const int32_t d = digits[i];
    if (d == 0 || bases[i].isInf()) continue;
    ab.add((uint32_t)(d > 0 ? d : -d) - 1, signedPoint(bases[i], d));
  }
  ab.flush();
  Jac<F> running = Jac<F>::inf(), sum = Jac<F>::inf();
  for (size_t b = nb; b-- > 0;) {
    if (ab.set[b]) running = Jac<F>::addMixed(running, ab.bucket[b]);
    if (!ab.twin[b].isInf()) running = Jac<F>::add(running, ab.twin[b]);
    sum = Jac<F>::add(sum, running);
  }
  return sum;
}

// Batched affine buckets from 2^(c-1) >= 256 on (a batch of 64+ distinct buckets amortises the inversion).
static const int AFFINE_FROM_WINDOW = 9;

template <class F> static Jac<F> windowSum(const Affine<F> *bases, const int32_t *digits, size_t n, int c, AffineBuckets<F> &ab) {
  return c >= AFFINE_FROM_WINDOW ? windowSumAffine(bases, digits, n, c, ab) : windowSumJacobian(bases, digits, n, c);
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
    AffineBuckets<F> ab;
    for (int w = 0; w < windows; w++) sums[w] = windowSum(bases, digits.data() + (size_t)w * n, n, c, ab);
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
        AffineBuckets<F> ab;
        for (int w = t; w < windows; w += threads) sums[w] = windowSum(bases, digits.data() + (size_t)w * n, n, c, ab);
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

namespace bn254 {

// 2^(c j) P_i for all i, j: c doublings per step in Jacobian form, then to affine in chunks with one
// inversion each (Montgomery's trick again: z_k^-1 from prefix products).
template <class F> static void buildTableImpl(FixedBaseTable<F> &t, const Affine<F> *bases, size_t n, int c) {
  t.c = c;
  t.windows = 254 / c + 1;
  t.n = n;
  const size_t W = (size_t)t.windows;
  t.pts.assign(n * W, Affine<F>{F::zero(), F::zero()});
  const size_t CHUNK = 1024;
  std::vector<Jac<F>> jac(CHUNK);
  std::vector<F> prefix(CHUNK);
  std::vector<size_t> where(CHUNK);
  size_t m = 0;
  auto flush = [&] {
    F acc = F::one();
    for (size_t k = 0; k < m; k++) {
      prefix[k] = acc;
      acc = F::mul(acc, jac[k].Z);
    }
    F inv = F::inv(acc);
    for (size_t k = m; k-- > 0;) {
      const F zi = F::mul(inv, prefix[k]);
      inv = F::mul(inv, jac[k].Z);
      const F zi2 = F::sqr(zi);
      t.pts[where[k]] = Affine<F>{F::mul(jac[k].X, zi2), F::mul(jac[k].Y, F::mul(zi2, zi))};
    }
    m = 0;
  };
  for (size_t i = 0; i < n; i++) {
    if (bases[i].isInf()) continue;  // stays (0, 0)
    Jac<F> q = Jac<F>::fromAffine(bases[i]);
    for (size_t j = 0; j < W; j++) {
      if (j > 0) {
        for (int d = 0; d < c; d++) q = Jac<F>::dbl(q);
      }
      jac[m] = q;
      where[m] = i * W + j;
      if (++m == CHUNK) flush();
    }
  }
  flush();
}

void buildTable(FixedBaseTable<Fq> &t, const G1Affine *bases, size_t n, int c) { buildTableImpl(t, bases, n, c); }
void buildTable(FixedBaseTable<Fq2> &t, const G2Affine *bases, size_t n, int c) { buildTableImpl(t, bases, n, c); }

// One bucket set for all windows: every (point, window) digit goes into bucket |d| with the table's
// point for that window. Threads take ranges of points, each with its own buckets.
template <class F> static Jac<F> msmTableImpl(const FixedBaseTable<F> &t, size_t offset, const uint64_t *scalars, size_t n, int threads) {
  if (n == 0) return Jac<F>::inf();
  const int c = t.c, W = t.windows;
  const size_t nb = (size_t)1 << (c - 1);
  threads = std::max(1, threads);
  std::vector<Jac<F>> partial(threads, Jac<F>::inf());
  auto work = [&](int th) {
    const size_t from = n * th / threads, to = n * (th + 1) / threads;
    std::vector<int32_t> digits((size_t)W * (to - from));
    recode(scalars + 4 * from, to - from, c, W, digits, 0, to - from);
    AffineBuckets<F> ab;
    ab.reset(nb, 512);
    const size_t len = to - from;
    for (size_t i = 0; i < len; i++) {
      const Affine<F> *row = &t.pts[(offset + from + i) * (size_t)W];
      if (row[0].isInf()) continue;
      for (int j = 0; j < W; j++) {
        const int32_t d = digits[(size_t)j * len + i];
        if (d == 0) continue;
        ab.add((uint32_t)(d > 0 ? d : -d) - 1, signedPoint(row[j], d));
      }
    }
    ab.flush();
    Jac<F> running = Jac<F>::inf(), sum = Jac<F>::inf();
    for (size_t b = nb; b-- > 0;) {
      if (ab.set[b]) running = Jac<F>::addMixed(running, ab.bucket[b]);
      if (!ab.twin[b].isInf()) running = Jac<F>::add(running, ab.twin[b]);
      sum = Jac<F>::add(sum, running);
    }
    partial[th] = sum;
  };
  if (threads == 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (int th = 0; th < threads; th++) pool.emplace_back(work, th);
    for (auto &p : pool) p.join();
  }
  Jac<F> acc = Jac<F>::inf();
  for (auto &p : partial) acc = Jac<F>::add(acc, p);
  return acc;
}

G1 msmTable(const FixedBaseTable<Fq> &t, size_t offset, const uint64_t *scalars, size_t n, int threads) { return msmTableImpl(t, offset, scalars, n, threads); }
G2 msmTable(const FixedBaseTable<Fq2> &t, size_t offset, const uint64_t *scalars, size_t n, int threads) { return msmTableImpl(t, offset, scalars, n, threads); }

}  // namespace bn254
