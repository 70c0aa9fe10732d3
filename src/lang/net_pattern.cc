#include "src/lang/net_pattern.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

#include "src/base/strcat.h"

namespace syd {
namespace {

constexpr std::string_view kForms =
    "address patterns are inet://ADDR[/PREFIX][@PORT[-PORT]], "
    "inet6://ADDR[/PREFIX][@PORTS], "
    "LOOPBACK[@PORTS], LOOPBACK6[@PORTS], unix:/PATH, unix-abstract:NAME or "
    "BOUND";

absl::Status Invalid(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(
      StrCat("bad address pattern '", text, "': ", why));
}

bool ParseUint(std::string_view s, uint32_t max, uint32_t* out) {
  if (s.empty() || s.size() > 10) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size() && *out <= max;
}

absl::Status ParsePorts(std::string_view text, std::string_view ports,
                        NetPattern* p) {
  size_t dash = ports.find('-');
  uint32_t lo = 0, hi = 0;
  if (!ParseUint(ports.substr(0, dash), 65535, &lo) ||
      (dash != std::string_view::npos &&
       !ParseUint(ports.substr(dash + 1), 65535, &hi))) {
    return Invalid(
        text,
        StrCat("'", ports, "' is not a port (0-65535) or a range PORT-PORT"));
  }
  if (dash == std::string_view::npos) hi = lo;
  if (lo > hi)
    return Invalid(text, StrCat("port range ", lo, "-", hi, " is empty"));
  p->port_low = static_cast<uint16_t>(lo);
  p->port_high = static_cast<uint16_t>(hi);
  return absl::OkStatus();
}

std::string IpText(AddressFamily f, const std::array<uint8_t, 16>& ip) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(f == AddressFamily::kInet ? AF_INET : AF_INET6, ip.data(), buf,
            sizeof buf);
  return buf;
}

bool PrefixMatches(const std::array<uint8_t, 16>& a,
                   const std::array<uint8_t, 16>& b, int prefix) {
  for (int bit = 0; bit < prefix; bit += 8) {
    int bits = std::min(8, prefix - bit);
    uint8_t mask = static_cast<uint8_t>(0xff << (8 - bits));
    if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) return false;
  }
  return true;
}

bool IsV4Mapped(const std::array<uint8_t, 16>& ip) {
  static constexpr std::array<uint8_t, 12> kPrefix = {0, 0, 0, 0, 0,    0,
                                                      0, 0, 0, 0, 0xff, 0xff};
  return std::equal(kPrefix.begin(), kPrefix.end(), ip.begin());
}

SocketAddress V4Of(const SocketAddress& mapped) {
  SocketAddress v4 = mapped;
  v4.family = AddressFamily::kInet;
  v4.ip = {};
  std::copy(mapped.ip.begin() + 12, mapped.ip.end(), v4.ip.begin());
  return v4;
}

}  // namespace

absl::StatusOr<NetPattern> NetPattern::Parse(std::string_view text) {
  NetPattern p;
  std::string_view rest = text;
  if (rest == "BOUND") {
    p.family = AddressFamily::kOther;
    p.bound = true;
    return p;
  }
  const bool abstract = rest.substr(0, 14) == "unix-abstract:";
  if (abstract || rest.substr(0, 5) == "unix:") {
    p.family = abstract ? AddressFamily::kUnixAbstract : AddressFamily::kUnix;
    p.path = std::string(rest.substr(abstract ? 14 : 5));
    if (!abstract && p.path.empty()) return Invalid(text, "unix: needs a path");
    std::string error;
    if (!GlobToRegex(p.path, &error)) return Invalid(text, error);
    p.glob = std::make_shared<const Glob>(p.path);
    return p;
  }
  size_t at = rest.find('@');
  std::string_view ports =
      at == std::string_view::npos ? "" : rest.substr(at + 1);
  std::string_view host = rest.substr(0, at);
  if (at != std::string_view::npos) {
    absl::Status s = ParsePorts(text, ports, &p);
    if (!s.ok()) return s;
  }
  if (host == "LOOPBACK") {
    p.family = AddressFamily::kInet;
    p.ip[0] = 127;
    p.prefix = 8;
    return p;
  }
  if (host == "LOOPBACK6") {
    p.family = AddressFamily::kInet6;
    p.ip[15] = 1;
    p.prefix = 128;
    return p;
  }
  int max_prefix;
  if (host.substr(0, 7) == "inet://") {
    p.family = AddressFamily::kInet;
    host.remove_prefix(7);
    max_prefix = 32;
  } else if (host.substr(0, 8) == "inet6://") {
    p.family = AddressFamily::kInet6;
    host.remove_prefix(8);
    max_prefix = 128;
  } else {
    return Invalid(text, kForms);
  }
  size_t slash = host.find('/');
  std::string addr(host.substr(0, slash));
  uint32_t prefix = max_prefix;
  if (slash != std::string_view::npos &&
      !ParseUint(host.substr(slash + 1), max_prefix, &prefix)) {
    return Invalid(text, StrCat("the prefix length must be 0 to ", max_prefix));
  }
  int af = p.family == AddressFamily::kInet ? AF_INET : AF_INET6;
  if (inet_pton(af, addr.c_str(), p.ip.data()) != 1) {
    return Invalid(text, StrCat("'", addr, "' is not an IPv",
                                af == AF_INET ? "4" : "6", " address"));
  }
  p.prefix = static_cast<int>(prefix);
  return p;
}

bool NetPattern::Matches(const SocketAddress& a) const {
  if (bound) return false;  // BoundSockets decides
  // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is that IPv4 address,
  // both ways: the kernel sends to it as IPv4 from a dual-stack socket.
  if (a.family == AddressFamily::kInet6 && family == AddressFamily::kInet &&
      IsV4Mapped(a.ip)) {
    return Matches(V4Of(a));
  }
  if (a.family == AddressFamily::kInet && family == AddressFamily::kInet6 &&
      prefix >= 96 && IsV4Mapped(ip)) {
    NetPattern v4 = *this;
    v4.family = AddressFamily::kInet;
    v4.ip = {};
    std::copy(ip.begin() + 12, ip.end(), v4.ip.begin());
    v4.prefix = prefix - 96;
    return v4.Matches(a);
  }
  if (a.family != family) return false;
  switch (family) {
    case AddressFamily::kUnix:
    case AddressFamily::kUnixAbstract:
      return glob != nullptr ? glob->Matches(a.path) : a.path == path;
    case AddressFamily::kInet:
    case AddressFamily::kInet6:
      return PrefixMatches(ip, a.ip, prefix) && a.port >= port_low &&
             a.port <= port_high;
    case AddressFamily::kOther:
      break;
  }
  return false;
}

std::string NetPattern::ToString() const {
  if (bound) return "BOUND";
  if (family == AddressFamily::kUnix) return StrCat("unix:", path);
  if (family == AddressFamily::kUnixAbstract)
    return StrCat("unix-abstract:", path);
  std::string out =
      StrCat(family == AddressFamily::kInet ? "inet://" : "inet6://",
             IpText(family, ip), "/", prefix);
  if (port_low != 0 || port_high != 65535) {
    StrAppend(&out, "@", port_low);
    if (port_high != port_low) StrAppend(&out, "-", port_high);
  }
  return out;
}

bool operator==(const NetPattern& a, const NetPattern& b) {
  return a.family == b.family && a.ip == b.ip && a.prefix == b.prefix &&
         a.port_low == b.port_low && a.port_high == b.port_high &&
         a.path == b.path && a.bound == b.bound;
}

std::string SocketAddress::ToString() const {
  switch (family) {
    case AddressFamily::kUnix:
      return StrCat("unix:", path);
    case AddressFamily::kUnixAbstract:
      return StrCat("unix-abstract:", path);
    case AddressFamily::kInet:
      return StrCat("inet://", IpText(family, ip), "@", port);
    case AddressFamily::kInet6:
      return StrCat("inet6://", IpText(family, ip), "@", port);
    case AddressFamily::kOther:
      break;
  }
  return StrCat("family ", raw_family);
}

}  // namespace syd
