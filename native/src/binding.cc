// Node-API binding: NativeProver (a parsed zkey kept in memory, proves from .wtns bytes) and the
// test-only entries frMul, msmG1, msmG2, and fieldMulNs for the bench. Errors become JS Errors carrying the C++ message.
#include <napi.h>

#include <chrono>
#include <algorithm>
#include <memory>

#include "msm.h"
#include "prover.h"

using namespace bn254;

static Napi::Array g1Json(Napi::Env env, const G1Affine &p) {
  Napi::Array a = Napi::Array::New(env, 3);
  uint64_t x[4], y[4];
  if (p.isInf()) {  // snarkjs' affine form of infinity: [0, 1, 0]
    a[0u] = "0";
    a[1u] = "1";
    a[2u] = "0";
    return a;
  }
  p.x.toPlain(x);
  p.y.toPlain(y);
  a[0u] = toDecimal(x);
  a[1u] = toDecimal(y);
  a[2u] = "1";
  return a;
}

static Napi::Array fq2Json(Napi::Env env, const Fq2 &e) {
  Napi::Array a = Napi::Array::New(env, 2);
  uint64_t c0[4], c1[4];
  e.c0.toPlain(c0);
  e.c1.toPlain(c1);
  a[0u] = toDecimal(c0);
  a[1u] = toDecimal(c1);
  return a;
}

static Napi::Array g2Json(Napi::Env env, const G2Affine &p) {
  Napi::Array a = Napi::Array::New(env, 3);
  if (p.isInf()) {
    Fq2 one = Fq2::one(), zero = Fq2::zero();
    a[0u] = fq2Json(env, zero);
    a[1u] = fq2Json(env, one);
    a[2u] = fq2Json(env, zero);
    return a;
  }
  a[0u] = fq2Json(env, p.x);
  a[1u] = fq2Json(env, p.y);
  a[2u] = fq2Json(env, Fq2::one());
  return a;
}

static Napi::Buffer<uint8_t> bufferArg(const Napi::CallbackInfo &info, size_t i, const char *name) {
  if (info.Length() <= i || !info[i].IsBuffer()) throw Napi::TypeError::New(info.Env(), std::string(name) + ": expected a Buffer/Uint8Array");
  return info[i].As<Napi::Buffer<uint8_t>>();
}

class NativeProver : public Napi::ObjectWrap<NativeProver> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "NativeProver",
                       {InstanceMethod("prove", &NativeProver::Prove), InstanceAccessor("nVars", &NativeProver::NVars, nullptr),
                        InstanceAccessor("nPublic", &NativeProver::NPublic, nullptr), InstanceAccessor("domainSize", &NativeProver::DomainSize, nullptr),
                        InstanceAccessor("memoryBytes", &NativeProver::MemoryBytes, nullptr),
                        InstanceAccessor("precomputed", &NativeProver::Precomputed, nullptr)});
  }

  // new NativeProver(zkeyBytes, { precompute?: boolean, threads?: number })
  NativeProver(const Napi::CallbackInfo &info) : Napi::ObjectWrap<NativeProver>(info) {
    Napi::Buffer<uint8_t> zkey = bufferArg(info, 0, "zkey");
    bool precompute = false;
    int threads = 1;
    if (info.Length() > 1 && info[1].IsObject()) {
      Napi::Object o = info[1].As<Napi::Object>();
      precompute = o.Has("precompute") && o.Get("precompute").ToBoolean().Value();
      if (o.Has("threads") && o.Get("threads").IsNumber()) threads = std::max(1, o.Get("threads").As<Napi::Number>().Int32Value());
    }
    try {
      zk_ = std::make_unique<Zkey>(parseZkey(zkey.Data(), zkey.Length()));
      if (precompute) {
        tables_ = std::make_unique<ProverTables>();
        buildProverTables(*tables_, *zk_, 16, threads);
      }
    } catch (const std::exception &e) {
      throw Napi::Error::New(info.Env(), e.what());
    }
    adjusted_ = (int64_t)bytes();
    Napi::MemoryManagement::AdjustExternalMemory(info.Env(), adjusted_);
  }
  ~NativeProver() override {
    // AdjustExternalMemory needs an env; the finalizer of an ObjectWrap runs with one available via Env()
    if (adjusted_) Napi::MemoryManagement::AdjustExternalMemory(Env(), -adjusted_);
  }

 private:
  std::unique_ptr<Zkey> zk_;
  std::unique_ptr<ProverTables> tables_;
  int64_t adjusted_ = 0;

  size_t bytes() const { return zk_->bytes() + (tables_ ? tables_->bytes() : 0); }

  Napi::Value NVars(const Napi::CallbackInfo &info) { return Napi::Number::New(info.Env(), zk_->nVars); }
  Napi::Value NPublic(const Napi::CallbackInfo &info) { return Napi::Number::New(info.Env(), zk_->nPublic); }
  Napi::Value DomainSize(const Napi::CallbackInfo &info) { return Napi::Number::New(info.Env(), zk_->domainSize); }
  Napi::Value MemoryBytes(const Napi::CallbackInfo &info) { return Napi::Number::New(info.Env(), (double)bytes()); }
  Napi::Value Precomputed(const Napi::CallbackInfo &info) { return Napi::Boolean::New(info.Env(), tables_ != nullptr); }

  // prove(wtnsBytes, random128, threads) -> { proof, publicSignals, timings }
  Napi::Value Prove(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    Napi::Buffer<uint8_t> wtns = bufferArg(info, 0, "wtns");
    Napi::Buffer<uint8_t> random = bufferArg(info, 1, "random");
    if (random.Length() != 128) throw Napi::RangeError::New(env, "random: expected 128 bytes, got " + std::to_string(random.Length()));
    int threads = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().Int32Value() : 1;
    if (threads < 1 || threads > 256) throw Napi::RangeError::New(env, "threads: expected 1..256, got " + std::to_string(threads));
    Proof p;
    try {
      Witness w = parseWitness(wtns.Data(), wtns.Length(), zk_->nVars);
      p = prove(*zk_, w, random.Data(), threads, tables_.get());
    } catch (const std::exception &e) {
      throw Napi::Error::New(env, e.what());
    }
    Napi::Object proof = Napi::Object::New(env);
    proof["pi_a"] = g1Json(env, p.a);
    proof["pi_b"] = g2Json(env, p.b);
    proof["pi_c"] = g1Json(env, p.c);
    proof["protocol"] = "groth16";
    proof["curve"] = "bn128";
    Napi::Array pub = Napi::Array::New(env, p.publicSignals.size());
    for (size_t i = 0; i < p.publicSignals.size(); i++) pub[(uint32_t)i] = p.publicSignals[i];
    Napi::Object tm = Napi::Object::New(env);
    tm["abcMs"] = p.timings.abcMs;
    tm["nttMs"] = p.timings.nttMs;
    tm["msmG1Ms"] = p.timings.msmG1Ms;
    tm["msmG2Ms"] = p.timings.msmG2Ms;
    tm["totalMs"] = p.timings.totalMs;
    tm["windowG1"] = p.timings.windowG1;
    tm["windowG2"] = p.timings.windowG2;
    tm["windowH"] = p.timings.windowH;
    Napi::Object out = Napi::Object::New(env);
    out["proof"] = proof;
    out["publicSignals"] = pub;
    out["timings"] = tm;
    return out;
  }
};

// frMul(a32, b32) -> 32 bytes: a * b mod r, all plain little-endian (test entry).
static Napi::Value FrMul(const Napi::CallbackInfo &info) {
  initFields();
  Napi::Buffer<uint8_t> a = bufferArg(info, 0, "a"), b = bufferArg(info, 1, "b");
  if (a.Length() != 32 || b.Length() != 32) throw Napi::RangeError::New(info.Env(), "frMul: a and b must be 32 bytes");
  uint64_t x[4], y[4], out[4];
  std::memcpy(x, a.Data(), 32);
  std::memcpy(y, b.Data(), 32);
  Fr::mul(Fr::fromPlain(x), Fr::fromPlain(y)).toPlain(out);
  return Napi::Buffer<uint8_t>::Copy(info.Env(), (const uint8_t *)out, 32);
}

// msmG1(bases, scalars, threads) / msmG2: bases as in a zkey section (Montgomery, 64 / 128 bytes per
// point, (0,0) = infinity), scalars plain 32 bytes each -> snarkjs-shaped affine point (test entry).
template <bool G2Group> static Napi::Value Msm(const Napi::CallbackInfo &info) {
  initCurves();
  Napi::Env env = info.Env();
  Napi::Buffer<uint8_t> bases = bufferArg(info, 0, "bases"), scalars = bufferArg(info, 1, "scalars");
  const int threads = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().Int32Value() : 1;
  const size_t pointBytes = G2Group ? 128 : 64;
  const size_t n = scalars.Length() / 32;
  if (scalars.Length() % 32 != 0 || bases.Length() != n * pointBytes) {
    throw Napi::RangeError::New(env, "msm: bases must be " + std::to_string(pointBytes) + " bytes and scalars 32 bytes per term, same count");
  }
  std::vector<uint64_t> k(n * 4);
  std::memcpy(k.data(), scalars.Data(), n * 32);
  for (size_t i = 0; i < n; i++) {
    if (!lessThan(&k[i * 4], FR.p)) throw Napi::RangeError::New(env, "msm: scalar " + std::to_string(i) + " is not below r");
  }
  if (G2Group) {
    std::vector<G2Affine> p(n);
    std::memcpy((void *)p.data(), bases.Data(), n * 128);
    for (size_t i = 0; i < n; i++) {
      if (!onCurve(p[i])) throw Napi::RangeError::New(env, "msm: base " + std::to_string(i) + " is not on the curve");
    }
    return g2Json(env, msmG2(p.data(), k.data(), n, threads).toAffine());
  }
  std::vector<G1Affine> p(n);
  std::memcpy((void *)p.data(), bases.Data(), n * 64);
  for (size_t i = 0; i < n; i++) {
    if (!onCurve(p[i])) throw Napi::RangeError::New(env, "msm: base " + std::to_string(i) + " is not on the curve");
  }
  return g1Json(env, msmG1(p.data(), k.data(), n, threads).toAffine());
}

// fieldMulNs(iterations) -> { latencyNs, throughputNs }: time of one Fq Montgomery multiplication in a
// dependent chain and over 8 independent chains (the bench's CPU floor of an MSM: muls x ns).
static Napi::Value FieldMulNs(const Napi::CallbackInfo &info) {
  initFields();
  const int64_t iters = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int64Value() : 2000000;
  uint64_t seed[4] = {0x1234567890abcdefULL, 0x0fedcba987654321ULL, 0x1111222233334444ULL, 0x0555666677778888ULL};
  Fq b = Fq::fromPlain(seed), a = Fq::one();
  auto t0 = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < iters; i++) a = Fq::mul(a, b);
  const double lat = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / (double)iters;
  Fq c[8];
  for (int j = 0; j < 8; j++) c[j] = Fq::add(a, Fq::fromPlain(seed));
  t0 = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < iters / 8; i++) {
    for (int j = 0; j < 8; j++) c[j] = Fq::mul(c[j], b);
  }
  const double thr = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / (double)(iters / 8 * 8);
  Napi::Object out = Napi::Object::New(info.Env());
  out["latencyNs"] = lat;
  out["throughputNs"] = thr;
  out["sink"] = (double)(a.v[0] ^ c[3].v[0] ^ c[7].v[1]) * 0;  // keeps the loops from being optimised away
  return out;
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  initCurves();
  exports["NativeProver"] = NativeProver::Init(env);
  exports["frMul"] = Napi::Function::New(env, FrMul);
  exports["msmG1"] = Napi::Function::New(env, Msm<false>);
  exports["msmG2"] = Napi::Function::New(env, Msm<true>);
  exports["fieldMulNs"] = Napi::Function::New(env, FieldMulNs);
  return exports;
}

NODE_API_MODULE(bn254_prover, Init)
