// A Groth16 proving key in snarkjs' .zkey format (version 1), parsed once and kept in memory with
// every point in the Montgomery form our field uses (the file already stores Fq coordinates as
// x*2^256 mod q, little-endian, and infinity as (0, 0), so points are copied, range- and curve-checked).
//
// Sections: 1 header (u32 protocol, 1 = groth16); 2 groth16 header (n8q, q, n8r, r, nVars, nPublic,
// domainSize, alpha1, beta1, beta2, gamma2, delta1, delta2); 3 IC (nPublic+1 G1); 4 coefficients
// (u32 count, then {u32 matrix (0 = A, 1 = B), u32 constraint, u32 signal, Fr value}); 5 A (nVars G1);
// 6 B1 (nVars G1); 7 B2 (nVars G2); 8 C (nVars - nPublic - 1 G1); 9 H (domainSize G1, for the odd coset,
// see ntt.h); 10 contributions (not needed to prove).
#pragma once
#include <vector>

#include "binfile.h"
#include "curve.h"

namespace bn254 {

struct Coef {
  uint32_t matrix, constraint, signal;
  // snarkjs stores value * R^2 mod r (R = 2^256): montMul(stored, plain witness) = value * w * R, the
  // Montgomery form of value * w, so the witness needs no conversion.
  Fr stored;
};

struct Zkey {
  uint32_t nVars = 0, nPublic = 0, domainSize = 0;
  int power = 0;  // domainSize = 2^power
  G1Affine alpha1, beta1, delta1;
  G2Affine beta2, gamma2, delta2;
  std::vector<G1Affine> IC, A, B1, C, H;
  std::vector<G2Affine> B2;
  std::vector<Coef> coeffs;

  size_t bytes() const;  // memory held by the point and coefficient arrays
};

// Parses and checks a whole .zkey held in memory. Throws std::runtime_error ("zkey ...: reason") on a
// truncated or garbled file, another curve or protocol, section sizes that disagree with the header,
// coordinates >= q, points off the curve, or coefficients that index outside the circuit.
Zkey parseZkey(const uint8_t *data, size_t len);

}  // namespace bn254
