#include "binfile.h"

namespace bn254 {

std::map<uint32_t, Section> readBinFile(const uint8_t *data, size_t len, const char *magic, uint32_t version, const std::string &kind) {
  Reader r{data, len, kind};
  r.need(12);
  if (std::memcmp(data, magic, 4) != 0) r.fail(std::string("not a ") + kind + " file (magic is not \"" + magic + "\")");
  r.skip(4);
  const uint32_t v = r.u32();
  if (v != version) r.fail("version " + std::to_string(v) + ", expected " + std::to_string(version));
  const uint32_t n = r.u32();
  std::map<uint32_t, Section> sections;
  for (uint32_t i = 0; i < n; i++) {
    r.what = kind + " section header " + std::to_string(i);
    const uint32_t id = r.u32();
    const uint64_t size = r.u64();
    if (size > r.left) r.fail("section " + std::to_string(id) + " is " + std::to_string(size) + " bytes but only " + std::to_string(r.left) + " remain (truncated file)");
    if (sections.count(id)) r.fail("section " + std::to_string(id) + " appears twice");
    sections[id] = Section{r.p, (size_t)size};
    r.skip((size_t)size);
  }
  return sections;
}

}  // namespace bn254
