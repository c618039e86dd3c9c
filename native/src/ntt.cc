#include "ntt.h"

#include <utility>

namespace bn254 {

static const int TWO_ADICITY = 28;

Fr rootOfUnity(int k) {
  // t = (r - 1) >> 28
  uint64_t t[4];
  for (int i = 0; i < 4; i++) t[i] = FR.p[i];
  t[0] -= 1;
  for (int s = 0; s < TWO_ADICITY; s++) {
    for (int i = 0; i < 4; i++) t[i] = (t[i] >> 1) | (i < 3 ? t[i + 1] << 63 : 0);
  }
  // (r - 1) / 2 for the Euler criterion
  uint64_t half[4];
  for (int i = 0; i < 4; i++) half[i] = (FR.p[i] >> 1) | (i < 3 ? FR.p[i + 1] << 63 : 0);
  const Fr minusOne = Fr::neg(Fr::one());
  uint64_t cand[4] = {2, 0, 0, 0};
  Fr nqr = Fr::fromPlain(cand);
  while (Fr::pow(nqr, half, 4) != minusOne) nqr = Fr::add(nqr, Fr::one());
  Fr w = Fr::pow(nqr, t, 4);
  for (int s = TWO_ADICITY; s > k; s--) w = Fr::sqr(w);
  return w;
}

void ntt(std::vector<Fr> &a, bool inverse) {
  const size_t n = a.size();
  int k = 0;
  while (((size_t)1 << k) < n) k++;
  // bit-reversal permutation
  for (size_t i = 1, j = 0; i < n; i++) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  Fr w = rootOfUnity(k);
  if (inverse) w = Fr::inv(w);
  // twiddles w^0 .. w^(n/2 - 1); a stage of length len uses every (n/len)-th
  std::vector<Fr> tw(n / 2 > 0 ? n / 2 : 1);
  tw[0] = Fr::one();
  for (size_t i = 1; i < n / 2; i++) tw[i] = Fr::mul(tw[i - 1], w);
  for (size_t len = 2; len <= n; len <<= 1) {
    const size_t half = len >> 1, step = n / len;
    for (size_t i = 0; i < n; i += len) {
      for (size_t j = 0; j < half; j++) {
        const Fr u = a[i + j], v = Fr::mul(a[i + j + half], tw[j * step]);
        a[i + j] = Fr::add(u, v);
        a[i + j + half] = Fr::sub(u, v);
      }
    }
  }
  if (inverse) {
    uint64_t nPlain[4] = {(uint64_t)n, 0, 0, 0};
    const Fr nInv = Fr::inv(Fr::fromPlain(nPlain));
    for (auto &x : a) x = Fr::mul(x, nInv);
  }
}

void cosetFromDomain(std::vector<Fr> &evals, int k) {
  ntt(evals, true);
  const Fr g = rootOfUnity(k + 1);
  Fr gi = Fr::one();
  for (auto &x : evals) {
    x = Fr::mul(x, gi);
    gi = Fr::mul(gi, g);
  }
  ntt(evals, false);
}

}  // namespace bn254
