// Groth16 proving (Groth, "On the Size of Pairing-based Non-interactive Arguments", EUROCRYPT 2016)
// with a snarkjs zkey, exactly as snarkjs lays the key out:
//   A = alpha1 + sum w_i A_i + r delta1            (G1)
//   B = beta2 + sum w_i B2_i + s delta2            (G2), and its G1 twin B1 = beta1 + sum w_i B1_i + s delta1
//   C = sum_{i > nPublic} w_i C_i + sum_j h_j H_j + s A + r B1 - r s delta1
// where h_j = (a b - c)(g w^j) on the odd coset (see ntt.h), a, b the QAP polynomials interpolated
// from the per-constraint sums of the coefficient section, and c = a b on the domain (snarkjs' rule).
#pragma once
#include <string>
#include <vector>

#include "msm.h"
#include "wtns.h"
#include "zkey.h"

namespace bn254 {

struct ProveTimings {
  double abcMs = 0;    // per-constraint sums of the coefficient section
  double nttMs = 0;    // 3 inverse + 3 forward NTTs and the coset shift, h_j
  double msmG1Ms = 0;  // A, B1, C, H
  double msmG2Ms = 0;  // B2
  double totalMs = 0;  // all of the above plus parsing the witness and the final combination
  int windowG1 = 0, windowG2 = 0, windowH = 0;
};

struct Proof {
  G1Affine a, c;
  G2Affine b;
  std::vector<std::string> publicSignals;  // decimal
  ProveTimings timings;
};

// Optional fixed-base tables of a zkey's MSM bases (msm.h FixedBaseTable): built once per zkey, they
// make every later proof's MSMs cheaper (no per-window bucket sums, wider windows) at the cost of
// windows x the bases' memory and a build of ~254 doublings per base.
struct ProverTables {
  FixedBaseTable<Fq> A, B1, C, H;
  FixedBaseTable<Fq2> B2;
  size_t bytes() const { return A.bytes() + B1.bytes() + C.bytes() + H.bytes() + B2.bytes(); }
};
// Builds the tables (window c bits; 16 measured best on the default instance), `threads` tables at once.
void buildProverTables(ProverTables &t, const Zkey &zk, int c, int threads);

// Proves; `random` holds 128 CSPRNG bytes: r and s are each a 512-bit little-endian number reduced
// mod the scalar field (bias below 2^-250). threads >= 1 share the MSM windows and the NTTs.
// `tables` (optional) replaces the per-proof Pippenger windows by the fixed-base tables.
Proof prove(const Zkey &zk, const Witness &w, const uint8_t *random, int threads, const ProverTables *tables = nullptr);

}  // namespace bn254
