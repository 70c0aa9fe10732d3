#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/tracee/decode.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <vector>

#include "src/syscalls/syscalls.h"

namespace syd::tracee {
namespace {

TEST_CASE("an IPv6 address of the kernel's minimum length is decoded") {
  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  in6.sin6_port = htons(443);
  REQUIRE(inet_pton(AF_INET6, "2001:db8::7", &in6.sin6_addr) == 1);
  in6.sin6_scope_id = 9;  // not passed at 24 bytes
  const auto* bytes = reinterpret_cast<const uint8_t*>(&in6);
  for (size_t len : {size_t{24}, sizeof in6}) {
    CAPTURE(len);
    const SocketAddress a = DecodeSockaddr(bytes, len);
    CHECK(a.family == AddressFamily::kInet6);
    CHECK(a.port == 443);
    CHECK(a.ToString() == "inet6://2001:db8::7@443");
  }
  // One byte short of the address: nothing the kernel would take.
  CHECK(DecodeSockaddr(bytes, 23).family == AddressFamily::kOther);
}

TEST_CASE("open flags and modes read as strace shows them") {
  CHECK(OpenFlagsText(O_RDONLY) == "O_RDONLY");
  CHECK(OpenFlagsText(O_WRONLY | O_CREAT | O_TRUNC) ==
        "O_WRONLY|O_CREAT|O_TRUNC");
  CHECK(OpenFlagsText(O_RDWR | O_CLOEXEC | O_NOFOLLOW) ==
        "O_RDWR|O_NOFOLLOW|O_CLOEXEC");
  CHECK(OpenFlagsText(O_WRONLY | O_TMPFILE) == "O_WRONLY|O_TMPFILE");
  CHECK(OpenFlagsText(O_RDONLY | 0x80000000u) == "O_RDONLY|0x80000000");
  CHECK(OpenFlagsText(3) == "0x3");  // no access mode has this value
  CHECK(ModeText(0666) == "0666");
  CHECK(ModeText(0) == "0000");
  CHECK(ModeText(S_IFIFO | 0644) == "S_IFIFO|0644");
  CHECK(ModeText(S_IFCHR | 04755) == "S_IFCHR|04755");
}

TEST_CASE("a report names the flags and the mode") {
  Call e;
  e.nr = FindSyscall("openat")->nr;
  e.args = {static_cast<uint64_t>(AT_FDCWD),
            0,
            O_WRONLY | O_CREAT | O_TRUNC,
            0666,
            0,
            0};
  e.decoded = true;
  e.strings[1] = "/root/.profile";
  CHECK(DescribeCall(e) ==
        "openat(AT_FDCWD, \"/root/.profile\", O_WRONLY|O_CREAT|O_TRUNC, "
        "0666)");
}

}  // namespace
}  // namespace syd::tracee
