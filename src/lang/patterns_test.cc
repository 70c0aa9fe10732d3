#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <arpa/inet.h>
#include <doctest/doctest.h>

#include "re2/re2.h"
#include "src/lang/glob.h"
#include "src/lang/net_pattern.h"

namespace syd {
namespace {

bool Glob(const char* glob, const char* path) {
  RE2 re(GlobToRegex(glob));
  REQUIRE_MESSAGE(re.ok(), GlobToRegex(glob));
  return RE2::FullMatch(path, re);
}

TEST_CASE(
    "globs: * stays in a component, ** crosses, /*** is the dir and below") {
  CHECK(Glob("/tmp/*", "/tmp/a"));
  CHECK_FALSE(Glob("/tmp/*", "/tmp/a/b"));
  CHECK(Glob("/tmp/**", "/tmp/a/b"));
  CHECK(Glob("/home/*/***", "/home/u"));
  CHECK(Glob("/home/*/***", "/home/u/.netrc"));
  CHECK(Glob("/home/*/***", "/home/u/a/b/c"));
  CHECK_FALSE(Glob("/home/*/***", "/home"));
  CHECK(Glob("/tmp/***", "/tmp"));
  CHECK_FALSE(Glob("/tmp/***", "/tmpx"));  // not a string prefix: a directory
  CHECK(Glob("/dev/tty*", "/dev/tty0"));
  CHECK(Glob("/dev/tty?", "/dev/tty1"));
  CHECK_FALSE(Glob("/dev/tty?", "/dev/tty12"));
  CHECK(Glob("/a/[!x]", "/a/y"));
  CHECK_FALSE(Glob("/a/[!x]", "/a/x"));
  CHECK(Glob("/a.b(c)+", "/a.b(c)+"));  // regex characters are literal
  CHECK_FALSE(Glob("/a.b", "/aXb"));
  CHECK(Glob("/a[b", "/a[b"));  // an unclosed bracket is literal
  // The seed's sample: [^/] is a class, + is a literal plus.
  CHECK(Glob("/home/[^/]+/***", "/home/u+/x"));
  CHECK_FALSE(Glob("/home/[^/]+/***", "/home/uu/x"));
}

SocketAddress Inet(const char* ip, uint16_t port) {
  SocketAddress a;
  a.family = AddressFamily::kInet;
  inet_pton(AF_INET, ip, a.ip.data());
  a.port = port;
  return a;
}

SocketAddress Inet6(const char* ip, uint16_t port) {
  SocketAddress a;
  a.family = AddressFamily::kInet6;
  inet_pton(AF_INET6, ip, a.ip.data());
  a.port = port;
  return a;
}

NetPattern P(const char* text) {
  absl::StatusOr<NetPattern> p = NetPattern::Parse(text);
  REQUIRE_MESSAGE(p.ok(), p.status().ToString());
  return *p;
}

TEST_CASE("address patterns") {
  CHECK(P("LOOPBACK").Matches(Inet("127.0.0.1", 80)));
  CHECK(P("LOOPBACK").Matches(Inet("127.255.0.1", 80)));
  CHECK_FALSE(P("LOOPBACK").Matches(Inet("10.0.0.1", 80)));
  CHECK_FALSE(P("LOOPBACK").Matches(Inet6("::1", 80)));
  CHECK(P("LOOPBACK@0").Matches(Inet("127.0.0.1", 0)));
  CHECK_FALSE(P("LOOPBACK@0").Matches(Inet("127.0.0.1", 1)));
  CHECK(P("LOOPBACK@1024-65535").Matches(Inet("127.0.0.1", 1024)));
  CHECK_FALSE(P("LOOPBACK@1024-65535").Matches(Inet("127.0.0.1", 1023)));
  CHECK(P("LOOPBACK6").Matches(Inet6("::1", 5)));
  CHECK_FALSE(P("LOOPBACK6").Matches(Inet6("::2", 5)));
  CHECK(P("inet://0.0.0.0/0@53").Matches(Inet("8.8.8.8", 53)));
  CHECK_FALSE(P("inet://0.0.0.0/0@53").Matches(Inet("8.8.8.8", 54)));
  CHECK(P("inet://10.1.0.0/15").Matches(Inet("10.0.255.255", 1)));
  CHECK_FALSE(P("inet://10.1.0.0/15").Matches(Inet("10.2.0.0", 1)));
  CHECK(P("inet://127.0.0.1@9050").Matches(Inet("127.0.0.1", 9050)));
  CHECK_FALSE(P("inet://127.0.0.1@9050").Matches(Inet("127.0.0.2", 9050)));
  CHECK(P("inet6://::/0@53").Matches(Inet6("2001:db8::1", 53)));
  CHECK(P("inet6://2001:db8::/33").Matches(Inet6("2001:db8:7fff::1", 1)));
  CHECK_FALSE(P("inet6://2001:db8::/33").Matches(Inet6("2001:db8:8000::1", 1)));
  SocketAddress u;
  u.family = AddressFamily::kUnix;
  u.path = "/run/nscd/socket";
  CHECK(P("unix:/run/nscd/socket").Matches(u));
  CHECK_FALSE(P("unix-abstract:/run/nscd/socket").Matches(u));
  u.family = AddressFamily::kUnixAbstract;
  CHECK(P("unix-abstract:/run/nscd/socket").Matches(u));
}

TEST_CASE("an IPv4-mapped IPv6 address is its IPv4 address, both ways") {
  // A dual-stack socket reaches 127.0.0.1 as ::ffff:127.0.0.1.
  CHECK(P("LOOPBACK@80").Matches(Inet6("::ffff:127.0.0.1", 80)));
  CHECK_FALSE(P("LOOPBACK@80").Matches(Inet6("::ffff:127.0.0.1", 81)));
  CHECK_FALSE(P("LOOPBACK").Matches(Inet6("::ffff:10.0.0.1", 80)));
  CHECK(P("inet://10.0.0.0/8").Matches(Inet6("::ffff:10.1.2.3", 1)));
  // Not mapped: an IPv4-compatible or plain IPv6 address stays IPv6.
  CHECK_FALSE(P("LOOPBACK").Matches(Inet6("::127.0.0.1", 80)));
  CHECK_FALSE(P("inet://0.0.0.0/0").Matches(Inet6("2001:db8::1", 1)));
  // A mapped pattern is an IPv4 one.
  CHECK(P("inet6://::ffff:127.0.0.1@53").Matches(Inet("127.0.0.1", 53)));
  CHECK(P("inet6://::ffff:10.0.0.0/104").Matches(Inet("10.9.9.9", 1)));
  CHECK_FALSE(P("inet6://::ffff:10.0.0.0/104").Matches(Inet("11.0.0.1", 1)));
  CHECK_FALSE(P("inet6://::/0").Matches(Inet("127.0.0.1", 1)));
}

TEST_CASE("address pattern errors and canonical text") {
  for (const char* bad :
       {"inet://1.2.3.4/33", "inet://1.2.3", "inet6://::g", "LOOPBACK@70000",
        "LOOPBACK@5-1", "LOOPBACK@", "loopback", "unix:", "inet://1.2.3.4@x",
        "tcp://1.2.3.4"}) {
    CHECK_MESSAGE(!NetPattern::Parse(bad).ok(), bad);
  }
  for (const char* text :
       {"inet://127.0.0.0/8@1024-65535", "inet6://::1/128", "unix:/a b",
        "unix-abstract:x", "inet://0.0.0.0/0@53"}) {
    NetPattern p = P(text);
    CHECK(P(p.ToString().c_str()) == p);
  }
  CHECK(P("LOOPBACK@0").ToString() == "inet://127.0.0.0/8@0");
}

}  // namespace
}  // namespace syd
