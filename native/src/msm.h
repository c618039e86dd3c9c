// Multi-scalar multiplication sum_i k_i * P_i over fixed affine bases: Pippenger's bucket method
// with signed window digits.
//
// Each scalar k (plain, < 2^254) is cut into windows of c bits, k = sum_w d_w 2^(c w), with digits
// recoded into [-2^(c-1), 2^(c-1)] (a digit above 2^(c-1) becomes d - 2^c and carries 1 into the next
// window), so each window needs only 2^(c-1) buckets; a negative digit adds -P = (x, -y), which is free.
// Per window: every point goes into bucket |d| (one mixed Jacobian+affine addition), then the window
// sum S_w = sum_b b * B_b is formed by the running sum (B_top, B_top + B_top-1, ...) in 2 additions per
// bucket. Finally sum = S_top * 2^c + ... + S_0 (c doublings per window).
// Cost ~ windows * (nonzero digits + 2 * 2^(c-1)) additions; c is chosen per call to minimise it, from
// the count of scalars that are small (a circom witness is full of 0/1 values: those touch 1 window).
// Threads split the windows among them (each window's buckets are private to one thread).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "curve.h"

namespace bn254 {

struct MsmStats {
  int window = 0;
  int windows = 0;
};

// k_i are plain little-endian 4-limb scalars, scalars[4*i .. 4*i+3]; bases may contain infinity.
G1 msmG1(const G1Affine *bases, const uint64_t *scalars, size_t n, int threads, MsmStats *stats = nullptr);
G2 msmG2(const G2Affine *bases, const uint64_t *scalars, size_t n, int threads, MsmStats *stats = nullptr);

// Fixed-base tables (the zkey's bases never change): for every base P_i and window j the point
// 2^(c j) P_i, affine, so that all windows share one set of buckets and no doublings remain:
// sum_i k_i P_i = sum_i sum_j d_ij (2^(c j) P_i). Memory: windows x the bases (16 x for c = 16);
// additions: n x windows + one bucket sum, against n x windows(c') + windows(c') bucket sums without.
template <class F> struct FixedBaseTable {
  int c = 0, windows = 0;
  size_t n = 0;
  std::vector<Affine<F>> pts;  // pts[i * windows + j] = 2^(c j) P_i
  size_t bytes() const { return pts.size() * sizeof(Affine<F>); }
};
void buildTable(FixedBaseTable<Fq> &t, const G1Affine *bases, size_t n, int c);
void buildTable(FixedBaseTable<Fq2> &t, const G2Affine *bases, size_t n, int c);
// The MSM over a table's first n bases (from base `offset`), scalars as in msmG1.
G1 msmTable(const FixedBaseTable<Fq> &t, size_t offset, const uint64_t *scalars, size_t n, int threads);
G2 msmTable(const FixedBaseTable<Fq2> &t, size_t offset, const uint64_t *scalars, size_t n, int threads);

// The window the cost model picks for n scalars of which `small` are below 2^32 (exposed for tests/bench).
int chooseWindow(size_t n, size_t small);

}  // namespace bn254
