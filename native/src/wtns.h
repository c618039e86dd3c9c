// A witness in circom's .wtns format (version 2): section 1 {u32 n8, field prime (n8 bytes),
// u32 nWitness}, section 2 nWitness values of n8 bytes, plain (not Montgomery) little-endian.
#pragma once
#include <vector>

#include "binfile.h"

namespace bn254 {

struct Witness {
  uint32_t n = 0;
  std::vector<uint64_t> values;  // 4 plain limbs per value, each < r
};

// Parses and checks a .wtns in memory: throws std::runtime_error ("wtns ...: reason") on a bad
// container, a field prime other than BN254's r, a value count other than `expectVars` (the zkey's
// nVars: a witness of another circuit), a section size that disagrees, or a value >= r.
Witness parseWitness(const uint8_t *data, size_t len, uint32_t expectVars);

}  // namespace bn254
