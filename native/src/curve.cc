#include "curve.h"

namespace bn254 {

Fq G1_B;
Fq2 G2_B;

void initCurves() {
  initFields();
  uint64_t three[4] = {3, 0, 0, 0}, nine[4] = {9, 0, 0, 0}, one[4] = {1, 0, 0, 0};
  G1_B = Fq::fromPlain(three);
  // b' = 3 / (9 + u): the D-type sextic twist of BN254 that carries G2
  G2_B = Fq2::mul(Fq2{G1_B, Fq::zero()}, Fq2::inv(Fq2{Fq::fromPlain(nine), Fq::fromPlain(one)}));
}

bool onCurve(const G1Affine &p) {
  if (p.isInf()) return true;
  return Fq::sqr(p.y) == Fq::add(Fq::mul(Fq::sqr(p.x), p.x), G1_B);
}

bool onCurve(const G2Affine &p) {
  if (p.isInf()) return true;
  return Fq2::sqr(p.y) == Fq2::add(Fq2::mul(Fq2::sqr(p.x), p.x), G2_B);
}

}  // namespace bn254
