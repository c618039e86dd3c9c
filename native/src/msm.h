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

// The window the cost model picks for n scalars of which `small` are below 2^32 (exposed for tests/bench).
int chooseWindow(size_t n, size_t small);

}  // namespace bn254
