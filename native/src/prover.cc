#include "prover.h"

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "ntt.h"

namespace bn254 {

typedef std::chrono::steady_clock Clock;
static double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// 64 bytes -> a plain scalar mod r. x = lo + hi * 2^256; in Montgomery form x R = lo R + hi R^2, and
// montMul(hi, R^3) = hi R^2, fromPlain(lo) = lo R.
static void scalarFrom512(const uint8_t *bytes, uint64_t *out) {
  uint64_t lo[4], hi[4];
  std::memcpy(lo, bytes, 32);
  std::memcpy(hi, bytes + 32, 32);
  Fr h;
  std::memcpy(h.v, hi, 32);
  while (Fr::geqP(h.v)) Fr::subP(h.v);
  Fr r3;
  std::memcpy(r3.v, FR.r3, 32);
  Fr x = Fr::add(Fr::fromPlain(lo), Fr::mul(h, r3));
  x.toPlain(out);
}

static void runParallel(int threads, std::vector<std::function<void()>> jobs);

void buildProverTables(ProverTables &t, const Zkey &zk, int c, int threads) {
  std::vector<std::function<void()>> jobs = {[&] { buildTable(t.B2, zk.B2.data(), zk.B2.size(), c); }, [&] { buildTable(t.A, zk.A.data(), zk.A.size(), c); },
                                             [&] { buildTable(t.B1, zk.B1.data(), zk.B1.size(), c); }, [&] { buildTable(t.C, zk.C.data(), zk.C.size(), c); },
                                             [&] { buildTable(t.H, zk.H.data(), zk.H.size(), c); }};
  runParallel(threads, jobs);
}

Proof prove(const Zkey &zk, const Witness &w, const uint8_t *random, int threads, const ProverTables *tables) {
  const auto t0 = Clock::now();
  Proof out;
  ProveTimings &tm = out.timings;
  const size_t n = zk.domainSize;
  const uint64_t *wv = w.values.data();

  // 1. a, b on the domain: a_c = sum over coefficients (A, c, s, v) of v * w_s (and b alike); c = a b.
  auto t = Clock::now();
  std::vector<Fr> a(n, Fr::zero()), b(n, Fr::zero()), c(n);
  for (const Coef &k : zk.coeffs) {
    Fr ws;
    std::memcpy(ws.v, wv + (size_t)k.signal * 4, 32);  // plain: montMul(v R^2, w) = (v w) R
    std::vector<Fr> &dst = k.matrix == 0 ? a : b;
    dst[k.constraint] = Fr::add(dst[k.constraint], Fr::mul(k.stored, ws));
  }
  for (size_t i = 0; i < n; i++) c[i] = Fr::mul(a[i], b[i]);
  tm.abcMs = msSince(t);

  // 2. to the odd coset, h_j = a_j b_j - c_j there (the zkey's H points absorb 1/Z = -1/2), plain.
  t = Clock::now();
  {
    std::vector<std::function<void()>> jobs = {[&] { cosetFromDomain(a, zk.power); }, [&] { cosetFromDomain(b, zk.power); },
                                               [&] { cosetFromDomain(c, zk.power); }};
    runParallel(threads, jobs);
  }
  std::vector<uint64_t> h(n * 4);
  for (size_t i = 0; i < n; i++) Fr::sub(Fr::mul(a[i], b[i]), c[i]).toPlain(&h[i * 4]);
  std::vector<Fr>().swap(a);
  std::vector<Fr>().swap(b);
  std::vector<Fr>().swap(c);
  tm.nttMs = msSince(t);

  // 3. the multi-scalar multiplications
  MsmStats sG1, sG2, sH;
  t = Clock::now();
  const uint64_t *wPrivate = wv + (size_t)(zk.nPublic + 1) * 4;
  const size_t nPrivate = zk.nVars - zk.nPublic - 1;
  G1 msmA, msmB1, msmC, msmH;
  G2 msmB2;
  if (tables) {
    msmA = msmTable(tables->A, 0, wv, zk.nVars, threads);
    msmB1 = msmTable(tables->B1, 0, wv, zk.nVars, threads);
    msmC = msmTable(tables->C, 0, wPrivate, nPrivate, threads);
    msmH = msmTable(tables->H, 0, h.data(), n, threads);
    sG1.window = sH.window = sG2.window = tables->A.c;
  } else {
    msmA = msmG1(zk.A.data(), wv, zk.nVars, threads, &sG1);
    msmB1 = msmG1(zk.B1.data(), wv, zk.nVars, threads);
    msmC = msmG1(zk.C.data(), wPrivate, nPrivate, threads);
    msmH = msmG1(zk.H.data(), h.data(), n, threads, &sH);
  }
  tm.msmG1Ms = msSince(t);
  t = Clock::now();
  msmB2 = tables ? msmTable(tables->B2, 0, wv, zk.nVars, threads) : msmG2(zk.B2.data(), wv, zk.nVars, threads, &sG2);
  tm.msmG2Ms = msSince(t);
  tm.windowG1 = sG1.window;
  tm.windowG2 = sG2.window;
  tm.windowH = sH.window;

  // 4. blinding: r, s uniform in Fr
  uint64_t r[4], s[4], rsNeg[4];
  scalarFrom512(random, r);
  scalarFrom512(random + 64, s);
  {
    Fr rm = Fr::fromPlain(r), sm = Fr::fromPlain(s);
    Fr::neg(Fr::mul(rm, sm)).toPlain(rsNeg);
  }
  const G1 delta1 = G1::fromAffine(zk.delta1);
  G1 piA = G1::add(G1::addMixed(msmA, zk.alpha1), G1::mulScalar(delta1, r));
  G2 piB = G2::add(G2::addMixed(msmB2, zk.beta2), G2::mulScalar(G2::fromAffine(zk.delta2), s));
  G1 b1 = G1::add(G1::addMixed(msmB1, zk.beta1), G1::mulScalar(delta1, s));
  G1 piC = G1::add(msmC, msmH);
  piC = G1::add(piC, G1::mulScalar(piA, s));
  piC = G1::add(piC, G1::mulScalar(b1, r));
  piC = G1::add(piC, G1::mulScalar(delta1, rsNeg));
  out.a = piA.toAffine();
  out.b = piB.toAffine();
  out.c = piC.toAffine();
  for (uint32_t i = 1; i <= zk.nPublic; i++) out.publicSignals.push_back(toDecimal(wv + (size_t)i * 4));
  tm.totalMs = msSince(t0);
  return out;
}

static void runParallel(int threads, std::vector<std::function<void()>> jobs) {
  if (threads <= 1) {
    for (auto &j : jobs) j();
    return;
  }
  std::vector<std::thread> pool;
  size_t next = 0;
  std::mutex m;
  for (int t = 0; t < threads && t < (int)jobs.size(); t++) {
    pool.emplace_back([&] {
      for (;;) {
        size_t i;
        {
          std::lock_guard<std::mutex> g(m);
          if (next >= jobs.size()) return;
          i = next++;
        }
        jobs[i]();
      }
    });
  }
  for (auto &th : pool) th.join();
}

}  // namespace bn254
