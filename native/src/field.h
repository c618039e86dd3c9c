// Prime fields of BN254 in Montgomery form on 4x64-bit limbs, and the quadratic extension Fq2.
//
// An element x is stored as x*R mod p with R = 2^256 (little-endian limbs). Multiplication is
// Montgomery's REDC interleaved with the schoolbook product, the CIOS method (Koc, Acar, Kaliski,
// "Analyzing and Comparing Montgomery Multiplication Algorithms", 1996), in the variant that drops
// the two extra carry words: both BN254 primes have a top limb below 2^63 - 1, so the running sum
// never leaves 4 limbs + one carry that can be folded into the last limb.
// The per-field constants (R mod p, R^2 mod p, R^3 mod p and -p^-1 mod 2^64) are derived at start-up
// from p alone (see FieldConsts::init), so the only hard-coded numbers are the two primes.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <x86intrin.h>

namespace bn254 {

typedef unsigned __int128 u128;

struct FieldConsts {
  uint64_t p[4];
  uint64_t inv;    // -p^-1 mod 2^64: m = t0*inv makes t0 + m*p0 = 0 mod 2^64 (REDC step)
  uint64_t one[4]; // R mod p: 1 in Montgomery form
  uint64_t r2[4];  // R^2 mod p: montMul(x, R^2) = x*R, converts a plain x < 2^256 into Montgomery form
  uint64_t r3[4];  // R^3 mod p: montMul(x, R^3) = x*R^2, used to reduce 512-bit values
  void init();
};

// BN254 base field q (coordinates) and scalar field r (exponents, witness values).
extern FieldConsts FQ;
extern FieldConsts FR;
void initFields();

template <FieldConsts *C> struct Fp {
  uint64_t v[4];

  static inline Fp zero() { return Fp{{0, 0, 0, 0}}; }
  static inline Fp one() {
    Fp r;
    std::memcpy(r.v, C->one, 32);
    return r;
  }
  inline bool isZero() const { return (v[0] | v[1] | v[2] | v[3]) == 0; }
  inline bool operator==(const Fp &o) const { return v[0] == o.v[0] && v[1] == o.v[1] && v[2] == o.v[2] && v[3] == o.v[3]; }
  inline bool operator!=(const Fp &o) const { return !(*this == o); }

  // a >= p (plain limbs compare)
  static inline bool geqP(const uint64_t *a) {
    for (int i = 3; i >= 0; i--) {
      if (a[i] != C->p[i]) return a[i] > C->p[i];
    }
    return true;
  }
  static inline void subP(uint64_t *a) {
    u128 borrow = 0;
    for (int i = 0; i < 4; i++) {
      u128 d = (u128)a[i] - C->p[i] - (uint64_t)borrow;
      a[i] = (uint64_t)d;
      borrow = (d >> 64) & 1;
    }
  }

  // r = t - p if t >= p else t, without branches (a data-dependent branch mispredicts half the time)
  static inline void reduceOnce(uint64_t *t) {
    uint64_t s[4];
    unsigned char borrow = 0;
    borrow = _subborrow_u64(borrow, t[0], C->p[0], (unsigned long long *)&s[0]);
    borrow = _subborrow_u64(borrow, t[1], C->p[1], (unsigned long long *)&s[1]);
    borrow = _subborrow_u64(borrow, t[2], C->p[2], (unsigned long long *)&s[2]);
    borrow = _subborrow_u64(borrow, t[3], C->p[3], (unsigned long long *)&s[3]);
    const uint64_t keep = (uint64_t)0 - (uint64_t)borrow;  // all ones: t < p, keep t
    for (int i = 0; i < 4; i++) t[i] = (t[i] & keep) | (s[i] & ~keep);
  }

  static inline Fp add(const Fp &a, const Fp &b) {
    Fp r;
    unsigned char c = 0;
    c = _addcarry_u64(c, a.v[0], b.v[0], (unsigned long long *)&r.v[0]);
    c = _addcarry_u64(c, a.v[1], b.v[1], (unsigned long long *)&r.v[1]);
    c = _addcarry_u64(c, a.v[2], b.v[2], (unsigned long long *)&r.v[2]);
    c = _addcarry_u64(c, a.v[3], b.v[3], (unsigned long long *)&r.v[3]);
    // p < 2^254, so a + b < 2^255 never carries out of the top limb
    reduceOnce(r.v);
    return r;
  }
  static inline Fp sub(const Fp &a, const Fp &b) {
    Fp r;
    unsigned char borrow = 0;
    borrow = _subborrow_u64(borrow, a.v[0], b.v[0], (unsigned long long *)&r.v[0]);
    borrow = _subborrow_u64(borrow, a.v[1], b.v[1], (unsigned long long *)&r.v[1]);
    borrow = _subborrow_u64(borrow, a.v[2], b.v[2], (unsigned long long *)&r.v[2]);
    borrow = _subborrow_u64(borrow, a.v[3], b.v[3], (unsigned long long *)&r.v[3]);
    // went below zero: add p back (masked, no branch)
    const uint64_t m = (uint64_t)0 - (uint64_t)borrow;
    unsigned char c = 0;
    c = _addcarry_u64(c, r.v[0], C->p[0] & m, (unsigned long long *)&r.v[0]);
    c = _addcarry_u64(c, r.v[1], C->p[1] & m, (unsigned long long *)&r.v[1]);
    c = _addcarry_u64(c, r.v[2], C->p[2] & m, (unsigned long long *)&r.v[2]);
    c = _addcarry_u64(c, r.v[3], C->p[3] & m, (unsigned long long *)&r.v[3]);
    return r;
  }
  static inline Fp neg(const Fp &a) { return a.isZero() ? a : sub(zero(), a); }
  static inline Fp dbl(const Fp &a) { return add(a, a); }

  // Montgomery product a*b/R mod p (CIOS, no-carry variant; inputs and output < p): portable C++.
  static inline Fp mulPortable(const Fp &a, const Fp &b) {
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    const uint64_t *p = C->p;
    for (int i = 0; i < 4; i++) {
      const uint64_t bi = b.v[i];
      u128 A = (u128)a.v[0] * bi + t0;
      t0 = (uint64_t)A;
      const uint64_t m = t0 * C->inv;
      u128 Cc = ((u128)m * p[0] + t0) >> 64;
      A = (A >> 64) + (u128)a.v[1] * bi + t1;
      Cc += (u128)m * p[1] + (uint64_t)A;
      t0 = (uint64_t)Cc;
      Cc >>= 64;
      A = (A >> 64) + (u128)a.v[2] * bi + t2;
      Cc += (u128)m * p[2] + (uint64_t)A;
      t1 = (uint64_t)Cc;
      Cc >>= 64;
      A = (A >> 64) + (u128)a.v[3] * bi + t3;
      Cc += (u128)m * p[3] + (uint64_t)A;
      t2 = (uint64_t)Cc;
      Cc >>= 64;
      t3 = (uint64_t)Cc + (uint64_t)(A >> 64);
    }
    Fp r{{t0, t1, t2, t3}};
    reduceOnce(r.v);
    return r;
  }
#if defined(__x86_64__) && defined(__BMI2__) && defined(__ADX__)
  // Montgomery product with MULX/ADCX/ADOX (BMI2 + ADX): CIOS with two carry chains, one for the
  // low and one for the high halves of the partial products (Intel, "New Instructions Supporting Large
  // Integer Arithmetic", 2012). Five accumulator registers rotate: after each REDC step the lowest word
  // is exactly 0 and becomes the next top word. Output < 2p; reduceOnce brings it below p.
  __attribute__((always_inline)) static inline Fp mulAdx(const Fp &a, const Fp &b) {
    uint64_t r0 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0, lo, hi, z, rdx;
    __asm__(
      "xorl %k[z], %k[z]\n\t"
      "movq 0(%[b]), %%rdx\n\t"
      "mulxq 0(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r0]\n\t"
      "adoxq %[hi], %[r1]\n\t"
      "mulxq 8(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r1]\n\t"
      "adoxq %[hi], %[r2]\n\t"
      "mulxq 16(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r2]\n\t"
      "adoxq %[hi], %[r3]\n\t"
      "mulxq 24(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r3]\n\t"
      "adoxq %[hi], %[r4]\n\t"
      "adcxq %[z], %[r4]\n\t"
      "movq %[r0], %%rdx\n\t"
      "imulq %[inv], %%rdx\n\t"
      "xorl %k[z], %k[z]\n\t"
      "mulxq 0(%[p]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r0]\n\t"
      "adoxq %[hi], %[r1]\n\t"
      "mulxq 8(%[p]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r1]\n\t"
      "adoxq %[hi], %[r2]\n\t"
      "mulxq 16(%[p]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r2]\n\t"
      "adoxq %[hi], %[r3]\n\t"
      "mulxq 24(%[p]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r3]\n\t"
      "adoxq %[hi], %[r4]\n\t"
      "adcxq %[z], %[r4]\n\t"
      "xorl %k[z], %k[z]\n\t"
      "movq 8(%[b]), %%rdx\n\t"
      "mulxq 0(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r1]\n\t"
      "adoxq %[hi], %[r2]\n\t"
      "mulxq 8(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r2]\n\t"
      "adoxq %[hi], %[r3]\n\t"
      "mulxq 16(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r3]\n\t"
      "adoxq %[hi], %[r4]\n\t"
      "mulxq 24(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r4]\n\t"
      "adoxq %[hi], %[r0]\n\t"
      "adcxq %[z], %[r0]\n\t"
      "movq %[r1], %%rdx\n\t"
      "imulq %[inv], %%rdx\n\t"
      "xorl %k[z], %k[z]\n\t"
      "mulxq 0(%[p]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r1]\n\t"
      "adoxq %[hi], %[r2]\n\t"
      "mulxq 8(%[p]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r2]\n\t"
      "adoxq %[hi], %[r3]\n\t"
      "mulxq 16(%[p]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r3]\n\t"
      "adoxq %[hi], %[r4]\n\t"
      "mulxq 24(%[p]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r4]\n\t"
      "adoxq %[hi], %[r0]\n\t"
      "adcxq %[z], %[r0]\n\t"
      "xorl %k[z], %k[z]\n\t"
      "movq 16(%[b]), %%rdx\n\t"
      "mulxq 0(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r2]\n\t"
      "adoxq %[hi], %[r3]\n\t"
      "mulxq 8(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r3]\n\t"
      "adoxq %[hi], %[r4]\n\t"
      "mulxq 16(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r4]\n\t"
      "adoxq %[hi], %[r0]\n\t"
      "mulxq 24(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r0]\n\t"
      "adoxq %[hi], %[r1]\n\t"
      "adcxq %[z], %[r1]\n\t"
      "movq %[r2], %%rdx\n\t"
      "imulq %[inv], %%rdx\n\t"
      "xorl %k[z], %k[z]\n\t"
      "mulxq 0(%[p]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r2]\n\t"
      "adoxq %[hi], %[r3]\n\t"
      "mulxq 8(%[p]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r3]\n\t"
      "adoxq %[hi], %[r4]\n\t"
      "mulxq 16(%[p]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r4]\n\t"
      "adoxq %[hi], %[r0]\n\t"
      "mulxq 24(%[p]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r0]\n\t"
      "adoxq %[hi], %[r1]\n\t"
      "adcxq %[z], %[r1]\n\t"
      "xorl %k[z], %k[z]\n\t"
      "movq 24(%[b]), %%rdx\n\t"
      "mulxq 0(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r3]\n\t"
      "adoxq %[hi], %[r4]\n\t"
      "mulxq 8(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r4]\n\t"
      "adoxq %[hi], %[r0]\n\t"
      "mulxq 16(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r0]\n\t"
      "adoxq %[hi], %[r1]\n\t"
      "mulxq 24(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r1]\n\t"
      "adoxq %[hi], %[r2]\n\t"
      "adcxq %[z], %[r2]\n\t"
      "movq %[r3], %%rdx\n\t"
      "imulq %[inv], %%rdx\n\t"
      "xorl %k[z], %k[z]\n\t"
      "mulxq 0(%[p]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r3]\n\t"
      "adoxq %[hi], %[r4]\n\t"
      "mulxq 8(%[p]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r4]\n\t"
      "adoxq %[hi], %[r0]\n\t"
      "mulxq 16(%[p]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r0]\n\t"
      "adoxq %[hi], %[r1]\n\t"
      "mulxq 24(%[p]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[r1]\n\t"
      "adoxq %[hi], %[r2]\n\t"
      "adcxq %[z], %[r2]\n\t"
      : [r0] "+&r"(r0), [r1] "+&r"(r1), [r2] "+&r"(r2), [r3] "+&r"(r3), [r4] "+&r"(r4), [lo] "=&r"(lo), [hi] "=&r"(hi), [z] "=&r"(z), "=&d"(rdx)
      : [a] "r"(a.v), [b] "r"(b.v), [p] "r"(C->p), [inv] "m"(C->inv), "m"(*(const uint64_t(*)[4])a.v), "m"(*(const uint64_t(*)[4])b.v),
        "m"(*(const uint64_t(*)[4])C->p)
      : "cc");
    Fp r{{r4, r0, r1, r2}};
    reduceOnce(r.v);
    return r;
  }
  static inline Fp mul(const Fp &a, const Fp &b) { return mulAdx(a, b); }
#else
  static inline Fp mul(const Fp &a, const Fp &b) { return mulPortable(a, b); }
#endif
  static inline Fp sqr(const Fp &a) { return mul(a, a); }

  // From plain little-endian limbs (any value < 2^256) to Montgomery form, reduced mod p.
  static inline Fp fromPlain(const uint64_t *x) {
    Fp a, r2;
    std::memcpy(a.v, x, 32);
    std::memcpy(r2.v, C->r2, 32);
    // montMul needs a*b < p*R for an output < 2p; x < 2^256 < 6p and R^2 mod p < p satisfy it, but the
    // no-carry loop above assumes a < p: reduce x first (at most 5 subtractions of p).
    while (geqP(a.v)) subP(a.v);
    return mul(a, r2);
  }
  // From Montgomery form to plain limbs: x*R * 1 / R = x.
  inline void toPlain(uint64_t *out) const {
    Fp one{{1, 0, 0, 0}};
    Fp r = mul(*this, one);
    std::memcpy(out, r.v, 32);
  }
  // x^e for a plain exponent e (little-endian limbs), square-and-multiply.
  static Fp pow(const Fp &x, const uint64_t *e, int limbs) {
    Fp r = one();
    for (int i = limbs * 64 - 1; i >= 0; i--) {
      r = sqr(r);
      if ((e[i / 64] >> (i % 64)) & 1) r = mul(r, x);
    }
    return r;
  }
  // 1/x by Fermat: x^(p-2). Zero maps to zero.
  static Fp inv(const Fp &x) {
    uint64_t e[4];
    std::memcpy(e, C->p, 32);
    e[0] -= 2;  // p is odd and p0 > 2: no borrow
    return pow(x, e, 4);
  }
};

typedef Fp<&FQ> Fq;
typedef Fp<&FR> Fr;

// Fq2 = Fq[u]/(u^2 + 1): c0 + c1*u.
struct Fq2 {
  Fq c0, c1;
  static inline Fq2 zero() { return Fq2{Fq::zero(), Fq::zero()}; }
  static inline Fq2 one() { return Fq2{Fq::one(), Fq::zero()}; }
  inline bool isZero() const { return c0.isZero() && c1.isZero(); }
  inline bool operator==(const Fq2 &o) const { return c0 == o.c0 && c1 == o.c1; }
  inline bool operator!=(const Fq2 &o) const { return !(*this == o); }
  static inline Fq2 add(const Fq2 &a, const Fq2 &b) { return Fq2{Fq::add(a.c0, b.c0), Fq::add(a.c1, b.c1)}; }
  static inline Fq2 sub(const Fq2 &a, const Fq2 &b) { return Fq2{Fq::sub(a.c0, b.c0), Fq::sub(a.c1, b.c1)}; }
  static inline Fq2 neg(const Fq2 &a) { return Fq2{Fq::neg(a.c0), Fq::neg(a.c1)}; }
  static inline Fq2 dbl(const Fq2 &a) { return add(a, a); }
  // Karatsuba: 3 base multiplications. (a0 + a1 u)(b0 + b1 u) = (a0b0 - a1b1) + ((a0+a1)(b0+b1) - a0b0 - a1b1) u
  static inline Fq2 mul(const Fq2 &a, const Fq2 &b) {
    Fq v0 = Fq::mul(a.c0, b.c0), v1 = Fq::mul(a.c1, b.c1);
    Fq s = Fq::mul(Fq::add(a.c0, a.c1), Fq::add(b.c0, b.c1));
    return Fq2{Fq::sub(v0, v1), Fq::sub(Fq::sub(s, v0), v1)};
  }
  // (a0 + a1 u)^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 u: 2 base multiplications.
  static inline Fq2 sqr(const Fq2 &a) {
    Fq m = Fq::mul(a.c0, a.c1);
    return Fq2{Fq::mul(Fq::add(a.c0, a.c1), Fq::sub(a.c0, a.c1)), Fq::add(m, m)};
  }
  // 1/(a0 + a1 u) = (a0 - a1 u) / (a0^2 + a1^2)
  static Fq2 inv(const Fq2 &a) {
    Fq t = Fq::inv(Fq::add(Fq::sqr(a.c0), Fq::sqr(a.c1)));
    return Fq2{Fq::mul(a.c0, t), Fq::neg(Fq::mul(a.c1, t))};
  }
};

// Plain 256-bit helpers (little-endian limbs).
bool lessThan(const uint64_t *a, const uint64_t *b);
std::string toDecimal(const uint64_t *x);

}  // namespace bn254
