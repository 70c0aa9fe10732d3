#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/base/sha256.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace syd {
namespace {

std::string Digest(const std::string& text) {
  Sha256 sha;
  sha.Update(text);
  return sha.HexDigest();
}

TEST_CASE("the FIPS 180-4 test vectors") {
  CHECK(Digest("") ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Digest("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(Digest(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("pieces of any size give the one digest") {
  const std::string text(1000, 'x');
  Sha256 sha;
  for (size_t i = 0; i < text.size(); i += 7) sha.Update(text.substr(i, 7));
  CHECK(sha.HexDigest() == Digest(text));
}

TEST_CASE("a descriptor is read from its start, whatever its offset") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  std::fputs("abc", f);
  std::fflush(f);
  CHECK(Sha256OfFd(fileno(f)) == Digest("abc"));
  std::fclose(f);
  CHECK_FALSE(Sha256OfFd(-1).has_value());
}

}  // namespace
}  // namespace syd
