#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/base/escape.h"

#include <doctest/doctest.h>

namespace syd {
namespace {

TEST_CASE("text the sandbox controls cannot forge a line or drive a tty") {
  CHECK(QuoteBytes("/tmp/plain") == "\"/tmp/plain\"");
  CHECK(QuoteBytes("a\nsyd: forged") == "\"a\\nsyd: forged\"");
  CHECK(QuoteBytes("\x1b[31mred") == "\"\\033[31mred\"");
  CHECK(QuoteBytes("x\xff") == "\"x\\377\"");
  CHECK(QuoteBytes("q\"b\\s") == "\"q\\\"b\\\\s\"");
  CHECK(QuoteBytes("tab\tcr\r") == "\"tab\\tcr\\r\"");
  CHECK(QuoteBytes(std::string_view("nul\0x", 5)) == "\"nul\\000x\"");
  CHECK(QuoteBytes("\x7f") == "\"\\177\"");
  // UTF-8 text stays readable; C1 controls, overlong forms, surrogates
  // and truncated sequences do not pass.
  CHECK(QuoteBytes("caf\xc3\xa9 \xe2\x82\xac") ==
        "\"caf\xc3\xa9 \xe2\x82\xac\"");
  CHECK(QuoteBytes("\xc2\x9b") == "\"\\302\\233\"");  // CSI
  CHECK(QuoteBytes("\xc0\xaf") == "\"\\300\\257\"");
  CHECK(QuoteBytes("\xed\xa0\x80") == "\"\\355\\240\\200\"");
  CHECK(QuoteBytes("\xe2\x82") == "\"\\342\\202\"");
  // Without `exact`, a backslash or quote is left alone: a line of text.
  CHECK(EscapeBytes("a\\b \"c\"\n", false) == "a\\b \"c\"\\n");
}

}  // namespace
}  // namespace syd
