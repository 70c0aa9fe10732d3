// The seed of a randomized test: SYD_TEST_SEED when set (to replay a
// failure), else a fresh one. Each test prints it with INFO.
#ifndef SYD_TESTING_SEED_H_
#define SYD_TESTING_SEED_H_

#include <cstdint>
#include <cstdlib>
#include <random>

namespace syd::testing {

inline uint64_t TestSeed() {
  if (const char* s = std::getenv("SYD_TEST_SEED"))
    return std::strtoull(s, nullptr, 0);
  return std::random_device{}() ^
         (static_cast<uint64_t>(std::random_device{}()) << 32);
}

}  // namespace syd::testing

#endif  // SYD_TESTING_SEED_H_
