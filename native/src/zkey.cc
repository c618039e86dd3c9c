#include "zkey.h"

namespace bn254 {

static Fq readFq(Reader &r) {
  Fq x;
  r.limbs(x.v);
  if (!lessThan(x.v, FQ.p)) r.fail("coordinate is not below the base field prime q (garbled bytes?)");
  return x;
}

static G1Affine readG1(Reader &r) {
  G1Affine p;
  p.x = readFq(r);
  p.y = readFq(r);
  if (!onCurve(p)) r.fail("G1 point is not on the curve (garbled bytes?)");
  return p;
}

static G2Affine readG2(Reader &r) {
  G2Affine p;
  p.x.c0 = readFq(r);
  p.x.c1 = readFq(r);
  p.y.c0 = readFq(r);
  p.y.c1 = readFq(r);
  if (!onCurve(p)) r.fail("G2 point is not on the curve (garbled bytes?)");
  return p;
}

static Reader sectionReader(const std::map<uint32_t, Section> &s, uint32_t id, const char *name) {
  auto it = s.find(id);
  std::string what = std::string("zkey section ") + std::to_string(id) + " (" + name + ")";
  if (it == s.end()) throw std::runtime_error(what + ": missing");
  return Reader{it->second.data, it->second.size, what};
}

template <class P, P (*read)(Reader &)>
static void readPoints(const std::map<uint32_t, Section> &s, uint32_t id, const char *name, size_t count, size_t pointBytes, std::vector<P> &out) {
  Reader r = sectionReader(s, id, name);
  if (r.left != count * pointBytes) {
    r.fail("is " + std::to_string(r.left) + " bytes, the header implies " + std::to_string(count) + " points = " + std::to_string(count * pointBytes) + " bytes");
  }
  out.resize(count);
  for (size_t i = 0; i < count; i++) out[i] = read(r);
}

size_t Zkey::bytes() const {
  return (IC.size() + A.size() + B1.size() + C.size() + H.size()) * sizeof(G1Affine) + B2.size() * sizeof(G2Affine) + coeffs.size() * sizeof(Coef);
}

Zkey parseZkey(const uint8_t *data, size_t len) {
  initCurves();
  auto s = readBinFile(data, len, "zkey", 1, "zkey");
  Zkey z;
  {
    Reader r = sectionReader(s, 1, "header");
    const uint32_t protocol = r.u32();
    if (protocol != 1) r.fail("protocol " + std::to_string(protocol) + " is not groth16 (1)");
  }
  {
    Reader r = sectionReader(s, 2, "groth16 header");
    const uint32_t n8q = r.u32();
    if (n8q != 32) r.fail("base field element size " + std::to_string(n8q) + " bytes, BN254 has 32");
    uint64_t q[4];
    r.limbs(q);
    if (std::memcmp(q, FQ.p, 32) != 0) r.fail("base field prime q is not BN254's (another curve)");
    const uint32_t n8r = r.u32();
    if (n8r != 32) r.fail("scalar field element size " + std::to_string(n8r) + " bytes, BN254 has 32");
    uint64_t rr[4];
    r.limbs(rr);
    if (std::memcmp(rr, FR.p, 32) != 0) r.fail("scalar field prime r is not BN254's (another curve)");
    z.nVars = r.u32();
    z.nPublic = r.u32();
    z.domainSize = r.u32();
    if (z.nVars == 0 || z.nPublic + 1 > z.nVars) r.fail("nVars " + std::to_string(z.nVars) + " / nPublic " + std::to_string(z.nPublic) + " are inconsistent");
    if (z.domainSize == 0 || (z.domainSize & (z.domainSize - 1)) != 0 || z.domainSize > (1u << 27)) {
      r.fail("domainSize " + std::to_string(z.domainSize) + " is not a power of two <= 2^27");
    }
    while ((1u << z.power) < z.domainSize) z.power++;
    z.alpha1 = readG1(r);
    z.beta1 = readG1(r);
    z.beta2 = readG2(r);
    z.gamma2 = readG2(r);
    z.delta1 = readG1(r);
    z.delta2 = readG2(r);
  }
  readPoints<G1Affine, readG1>(s, 3, "IC", z.nPublic + 1, 64, z.IC);
  {
    Reader r = sectionReader(s, 4, "coefficients");
    const uint32_t n = r.u32();
    if (r.left != (size_t)n * 44) r.fail("holds " + std::to_string(r.left) + " bytes for " + std::to_string(n) + " coefficients of 44 bytes");
    z.coeffs.resize(n);
    for (uint32_t i = 0; i < n; i++) {
      Coef &c = z.coeffs[i];
      c.matrix = r.u32();
      c.constraint = r.u32();
      c.signal = r.u32();
      r.limbs(c.stored.v);
      if (c.matrix > 1 || c.constraint >= z.domainSize || c.signal >= z.nVars || !lessThan(c.stored.v, FR.p)) {
        r.fail("coefficient " + std::to_string(i) + " is out of range (matrix " + std::to_string(c.matrix) + ", constraint " + std::to_string(c.constraint) +
               ", signal " + std::to_string(c.signal) + ")");
      }
    }
  }
  readPoints<G1Affine, readG1>(s, 5, "A", z.nVars, 64, z.A);
  readPoints<G1Affine, readG1>(s, 6, "B1", z.nVars, 64, z.B1);
  readPoints<G2Affine, readG2>(s, 7, "B2", z.nVars, 128, z.B2);
  readPoints<G1Affine, readG1>(s, 8, "C", z.nVars - z.nPublic - 1, 64, z.C);
  readPoints<G1Affine, readG1>(s, 9, "H", z.domainSize, 64, z.H);
  return z;
}

}  // namespace bn254
