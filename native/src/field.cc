#include "field.h"

namespace bn254 {

// q = 21888242871839275222246405745257275088696311157297823662689037894645226208583
FieldConsts FQ = {{0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL}, 0, {0}, {0}, {0}};
// r = 21888242871839275222246405745257275088548364400416034343698204186575808495617
FieldConsts FR = {{0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL}, 0, {0}, {0}, {0}};

static void addModP(uint64_t *a, const uint64_t *b, const uint64_t *p) {
  u128 c = 0;
  for (int i = 0; i < 4; i++) {
    c += (u128)a[i] + b[i];
    a[i] = (uint64_t)c;
    c >>= 64;
  }
  if (!lessThan(a, p)) {
    u128 borrow = 0;
    for (int i = 0; i < 4; i++) {
      u128 d = (u128)a[i] - p[i] - (uint64_t)borrow;
      a[i] = (uint64_t)d;
      borrow = (d >> 64) & 1;
    }
  }
}

void FieldConsts::init() {
  // inv = -p^-1 mod 2^64 by Newton's iteration x <- x(2 - p x): each step doubles the correct low bits
  // (x = p is correct to 3 bits for odd p, since p*p = 1 mod 8).
  uint64_t x = p[0];
  for (int i = 0; i < 6; i++) x *= 2 - p[0] * x;
  inv = (uint64_t)0 - x;
  // R mod p, R^2 mod p by doubling 1 (mod p) 256 and 512 times; p < 2^254 so a doubling never overflows.
  uint64_t acc[4] = {1, 0, 0, 0};
  for (int i = 0; i < 512; i++) {
    uint64_t t[4] = {acc[0], acc[1], acc[2], acc[3]};
    addModP(acc, t, p);
    if (i == 255) std::memcpy(one, acc, 32);
  }
  std::memcpy(r2, acc, 32);
}

void initFields() {
  static bool done = false;
  if (done) return;
  FQ.init();
  FR.init();
  // R^3 = montMul(R^2, R^2) = R^4 / R
  Fq q2;
  std::memcpy(q2.v, FQ.r2, 32);
  std::memcpy(FQ.r3, Fq::mul(q2, q2).v, 32);
  Fr s2;
  std::memcpy(s2.v, FR.r2, 32);
  std::memcpy(FR.r3, Fr::mul(s2, s2).v, 32);
  done = true;
}

bool lessThan(const uint64_t *a, const uint64_t *b) {
  for (int i = 3; i >= 0; i--) {
    if (a[i] != b[i]) return a[i] < b[i];
  }
  return false;
}

std::string toDecimal(const uint64_t *x) {
  uint64_t t[4] = {x[0], x[1], x[2], x[3]};
  std::string s;
  while (t[0] | t[1] | t[2] | t[3]) {
    // divide by 10^19, collect the remainder's digits
    const uint64_t d = 10000000000000000000ULL;
    u128 rem = 0;
    for (int i = 3; i >= 0; i--) {
      u128 cur = (rem << 64) | t[i];
      t[i] = (uint64_t)(cur / d);
      rem = cur % d;
    }
    uint64_t r = (uint64_t)rem;
    bool last = !(t[0] | t[1] | t[2] | t[3]);
    for (int k = 0; k < 19 && (!last || r); k++) {
      s.push_back('0' + (char)(r % 10));
      r /= 10;
    }
  }
  if (s.empty()) s = "0";
  return std::string(s.rbegin(), s.rend());
}

}  // namespace bn254
