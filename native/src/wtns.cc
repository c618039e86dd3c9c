#include "wtns.h"

namespace bn254 {

Witness parseWitness(const uint8_t *data, size_t len, uint32_t expectVars) {
  initFields();
  auto s = readBinFile(data, len, "wtns", 2, "wtns");
  auto h = s.find(1), d = s.find(2);
  if (h == s.end()) throw std::runtime_error("wtns section 1 (header): missing");
  if (d == s.end()) throw std::runtime_error("wtns section 2 (values): missing");
  Reader r{h->second.data, h->second.size, "wtns section 1 (header)"};
  const uint32_t n8 = r.u32();
  if (n8 != 32) r.fail("field element size " + std::to_string(n8) + " bytes, BN254's scalar field has 32");
  uint64_t q[4];
  r.limbs(q);
  if (std::memcmp(q, FR.p, 32) != 0) r.fail("field prime is not BN254's scalar field r (witness of another curve)");
  Witness w;
  w.n = r.u32();
  if (w.n != expectVars) {
    r.fail("has " + std::to_string(w.n) + " values, the zkey's circuit has " + std::to_string(expectVars) + " (witness of another circuit?)");
  }
  Reader v{d->second.data, d->second.size, "wtns section 2 (values)"};
  if (v.left != (size_t)w.n * 32) v.fail("is " + std::to_string(v.left) + " bytes for " + std::to_string(w.n) + " values of 32 bytes");
  w.values.resize((size_t)w.n * 4);
  for (uint32_t i = 0; i < w.n; i++) {
    v.limbs(&w.values[(size_t)i * 4]);
    if (!lessThan(&w.values[(size_t)i * 4], FR.p)) v.fail("value " + std::to_string(i) + " is not below r");
  }
  return w;
}

}  // namespace bn254
