// Radix-2 number-theoretic transform over Fr (Cooley-Tukey, decimation in time, bit-reversed input
// order produced in place), and the coset evaluation Groth16's H needs.
//
// Roots: Fr* has a subgroup of order 2^28 (r - 1 = 2^28 * t, t odd). Like ffjavascript/snarkjs, the
// 2^28-th root is nqr^t for the smallest quadratic non-residue nqr >= 2 (it is 5), and the 2^k-th root
// is its square 28 - k times. The zkey's H points are built for exactly these roots, so the index j of
// an evaluation means the point w^j with this w.
#pragma once
#include <vector>

#include "field.h"

namespace bn254 {

// w_k: the primitive 2^k-th root of unity (k <= 28) in snarkjs' choice.
Fr rootOfUnity(int k);

// In place: forward a[j] <- sum_i a[i] w^(ij) (evaluations at w^j) or, inverse, coefficients from
// evaluations (with the 1/n factor), for n = 2^k = a.size().
void ntt(std::vector<Fr> &a, bool inverse);

// Given the evaluations of a polynomial of degree < n on the domain {w_k^j}, its evaluations on the
// odd coset {g w_k^j} with g = w_(k+1) (a 2n-th root, so g^n = -1 and the vanishing polynomial x^n - 1
// is the constant -2 there): inverse NTT, scale coefficient i by g^i, forward NTT. In place.
void cosetFromDomain(std::vector<Fr> &evals, int k);

}  // namespace bn254
