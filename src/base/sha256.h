// SHA-256 (FIPS 180-4), for the checksum of the program a learned
// profile was made for.
#ifndef SYD_BASE_SHA256_H_
#define SYD_BASE_SHA256_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace syd {

class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  // The digest in lower-case hex; the object is spent.
  std::string HexDigest();

 private:
  void Block(const uint8_t* p);

  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t length_ = 0;  // bytes
};

// The digest of what descriptor `fd` reads from offset 0 to its end, or
// nothing when it cannot be read.
std::optional<std::string> Sha256OfFd(int fd);

}  // namespace syd

#endif  // SYD_BASE_SHA256_H_
