// Socket address patterns (@~ and @!) and the addresses they match.
#ifndef SYD_LANG_NET_PATTERN_H_
#define SYD_LANG_NET_PATTERN_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "src/lang/glob.h"

namespace syd {

enum class AddressFamily : uint8_t {
  kInet,
  kInet6,
  kUnix,
  kUnixAbstract,
  kOther
};

// A socket address as the tracer decodes it.
struct SocketAddress {
  AddressFamily family = AddressFamily::kOther;
  std::array<uint8_t, 16> ip{};  // kInet uses the first 4 bytes
  uint16_t port = 0;
  std::string path;  // kUnix: the path; kUnixAbstract: the name without its NUL
  int raw_family = 0;  // the sa_family number, for kOther

  std::string ToString() const;
};

// What the sandbox has bound, for BOUND patterns: the supervisor answers
// for the call it stopped (the kernel's socket tables at that moment).
class BoundSockets {
 public:
  virtual ~BoundSockets() = default;
  // Whether a socket of the sandbox, bound where a rule let it, is bound
  // to `to`, or to the wildcard address on `to`'s port when `to` is a
  // loopback address; of the calling socket's protocol.
  virtual bool Reaches(const SocketAddress& to) const = 0;
};

// inet://ADDR[/PREFIX][@PORT[-PORT]], inet6://ADDR[/PREFIX][@PORTS],
// LOOPBACK[@PORTS] (127.0.0.0/8), LOOPBACK6[@PORTS] (::1), unix:GLOB (a
// path glob, as for file paths: unix:${WORKDIR}/***), unix-abstract:GLOB
// (on the name, as written: ** for any), BOUND (an address the sandbox itself
// has bound: sydbox's successful_bind; decided by BoundSockets, never by
// Matches).
struct NetPattern {
  AddressFamily family = AddressFamily::kInet;
  std::array<uint8_t, 16> ip{};
  int prefix = 0;  // bits of `ip` that must match
  uint16_t port_low = 0;
  uint16_t port_high = 65535;
  std::string path;
  std::shared_ptr<const Glob> glob;  // kUnix, kUnixAbstract: `path`
  bool bound = false;                // BOUND

  // The error says what is wrong and what the forms are.
  static absl::StatusOr<NetPattern> Parse(std::string_view text);
  bool Matches(const SocketAddress& a) const;
  // Canonical text; Parse(ToString()) gives the same pattern.
  std::string ToString() const;

  friend bool operator==(const NetPattern& a, const NetPattern& b);
};

}  // namespace syd

#endif  // SYD_LANG_NET_PATTERN_H_
