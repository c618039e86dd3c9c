// The iden3 binary container shared by .zkey, .wtns, .r1cs: 4-byte magic, u32 version, u32 section
// count, then sections (u32 id, u64 byte size, bytes), little-endian. Bounds-checked reads: every
// failure throws std::runtime_error naming the file kind and what was wrong.
#pragma once
#include <cstdint>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>

#include "field.h"

namespace bn254 {

struct Section {
  const uint8_t *data;
  size_t size;
};

struct Reader {
  const uint8_t *p;
  size_t left;
  std::string what;  // e.g. "zkey section 2 (groth16 header)"

  [[noreturn]] void fail(const std::string &why) const { throw std::runtime_error(what + ": " + why); }
  void need(size_t n) const {
    if (left < n) fail("truncated (needs " + std::to_string(n) + " more bytes, has " + std::to_string(left) + ")");
  }
  uint32_t u32() {
    need(4);
    uint32_t v;
    std::memcpy(&v, p, 4);
    p += 4;
    left -= 4;
    return v;
  }
  uint64_t u64() {
    need(8);
    uint64_t v;
    std::memcpy(&v, p, 8);
    p += 8;
    left -= 8;
    return v;
  }
  // 32 raw little-endian bytes as 4 limbs
  void limbs(uint64_t *out) {
    need(32);
    std::memcpy(out, p, 32);
    p += 32;
    left -= 32;
  }
  void skip(size_t n) {
    need(n);
    p += n;
    left -= n;
  }
};

// Sections by id; throws on a bad magic, a version other than `version`, a duplicate id or a section
// running past the end of the bytes.
std::map<uint32_t, Section> readBinFile(const uint8_t *data, size_t len, const char *magic, uint32_t version, const std::string &kind);

}  // namespace bn254
