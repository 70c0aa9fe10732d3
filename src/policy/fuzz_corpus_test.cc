// Replays every rule file in testdata/ through the fuzz target, so that the
// seed corpus runs in the ordinary test run without libFuzzer.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "src/lang/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

TEST_CASE("the fuzz target accepts the seed corpus") {
  int ran = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator("testdata")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".syd")
      continue;
    std::string text, error;
    REQUIRE_MESSAGE(syd::ReadFile(entry.path().string(), &text, &error), error);
    CHECK(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(text.data()),
                                 text.size()) == 0);
    ++ran;
  }
  CHECK(ran >= 5);
}
