// Short Weierstrass curves y^2 = x^3 + b (a = 0) over a field F: G1 over Fq (b = 3) and G2 over Fq2
// (the sextic twist, b = 3/(9+u)). Affine points for the fixed bases (the zkey's), Jacobian points
// (x = X/Z^2, y = Y/Z^3) for sums. Formulas from the Explicit-Formulas Database (hyperelliptic.org/EFD,
// "g1p/auto-shortw-jacobian-0"): dbl-2009-l, madd-2007-bl (mixed: one affine input), add-2007-bl.
#pragma once
#include "field.h"

namespace bn254 {

template <class F> struct Affine {
  F x, y;  // (0, 0) is the point at infinity (not on the curve, as b != 0): the zkey writes it so
  inline bool isInf() const { return x.isZero() && y.isZero(); }
};

template <class F> struct Jac {
  F X, Y, Z;  // Z = 0: infinity

  static inline Jac inf() { return Jac{F::one(), F::one(), F::zero()}; }
  inline bool isInf() const { return Z.isZero(); }
  static inline Jac fromAffine(const Affine<F> &a) { return a.isInf() ? inf() : Jac{a.x, a.y, F::one()}; }

  // dbl-2009-l: 2M + 5S
  static inline Jac dbl(const Jac &p) {
    if (p.isInf()) return p;
    F A = F::sqr(p.X), B = F::sqr(p.Y), C = F::sqr(B);
    F D = F::dbl(F::sub(F::sub(F::sqr(F::add(p.X, B)), A), C));
    F E = F::add(F::dbl(A), A), Fs = F::sqr(E);
    F X3 = F::sub(Fs, F::dbl(D));
    F C8 = F::dbl(F::dbl(F::dbl(C)));
    F Y3 = F::sub(F::mul(E, F::sub(D, X3)), C8);
    F Z3 = F::dbl(F::mul(p.Y, p.Z));
    return Jac{X3, Y3, Z3};
  }

  // madd-2007-bl: p + q with q affine, 7M + 4S. Equal points fall back to doubling, opposite ones give infinity.
  static inline Jac addMixed(const Jac &p, const Affine<F> &q) {
    if (q.isInf()) return p;
    if (p.isInf()) return fromAffine(q);
    F Z1Z1 = F::sqr(p.Z);
    F U2 = F::mul(q.x, Z1Z1);
    F S2 = F::mul(F::mul(q.y, p.Z), Z1Z1);
    F H = F::sub(U2, p.X);
    F r = F::dbl(F::sub(S2, p.Y));
    if (H.isZero()) {
      if (r.isZero()) return dbl(p);
      return inf();
    }
    F HH = F::sqr(H);
    F I = F::dbl(F::dbl(HH));
    F J = F::mul(H, I);
    F V = F::mul(p.X, I);
    F X3 = F::sub(F::sub(F::sqr(r), J), F::dbl(V));
    F Y3 = F::sub(F::mul(r, F::sub(V, X3)), F::dbl(F::mul(p.Y, J)));
    F Z3 = F::sub(F::sub(F::sqr(F::add(p.Z, H)), Z1Z1), HH);
    return Jac{X3, Y3, Z3};
  }

  // add-2007-bl: 11M + 5S.
  static inline Jac add(const Jac &p, const Jac &q) {
    if (p.isInf()) return q;
    if (q.isInf()) return p;
    F Z1Z1 = F::sqr(p.Z), Z2Z2 = F::sqr(q.Z);
    F U1 = F::mul(p.X, Z2Z2), U2 = F::mul(q.X, Z1Z1);
    F S1 = F::mul(F::mul(p.Y, q.Z), Z2Z2);
    F S2 = F::mul(F::mul(q.Y, p.Z), Z1Z1);
    F H = F::sub(U2, U1);
    F r = F::dbl(F::sub(S2, S1));
    if (H.isZero()) {
      if (r.isZero()) return dbl(p);
      return inf();
    }
    F I = F::sqr(F::dbl(H));
    F J = F::mul(H, I);
    F V = F::mul(U1, I);
    F X3 = F::sub(F::sub(F::sqr(r), J), F::dbl(V));
    F Y3 = F::sub(F::mul(r, F::sub(V, X3)), F::dbl(F::mul(S1, J)));
    F Z3 = F::mul(F::sub(F::sub(F::sqr(F::add(p.Z, q.Z)), Z1Z1), Z2Z2), H);
    return Jac{X3, Y3, Z3};
  }

  static inline Jac neg(const Jac &p) { return Jac{p.X, F::neg(p.Y), p.Z}; }

  // Affine form: (X/Z^2, Y/Z^3); infinity -> (0, 0).
  Affine<F> toAffine() const {
    if (isInf()) return Affine<F>{F::zero(), F::zero()};
    F zi = F::inv(Z), zi2 = F::sqr(zi);
    return Affine<F>{F::mul(X, zi2), F::mul(Y, F::mul(zi2, zi))};
  }

  // k*p for a plain scalar k (little-endian limbs), double-and-add from the top bit. Only for the few
  // fixed multiplications of a proof (r*delta, s*delta, ...), not for MSMs.
  static Jac mulScalar(const Jac &p, const uint64_t *k) {
    Jac r = inf();
    for (int i = 255; i >= 0; i--) {
      r = dbl(r);
      if ((k[i / 64] >> (i % 64)) & 1) r = add(r, p);
    }
    return r;
  }
};

typedef Affine<Fq> G1Affine;
typedef Jac<Fq> G1;
typedef Affine<Fq2> G2Affine;
typedef Jac<Fq2> G2;

// b of G1 (3) and of the twist G2 (3/(9+u)), in Montgomery form; set by initCurves().
extern Fq G1_B;
extern Fq2 G2_B;
void initCurves();

// y^2 == x^3 + b (infinity counts as on the curve).
bool onCurve(const G1Affine &p);
bool onCurve(const G2Affine &p);

}  // namespace bn254
