// Long chains of path rules, matched a block at a time. A rule that needs
// one regex or glob to match the path (arg_=~ or arg_=*) cannot match when
// that test fails; an RE2::Set of the tests of up to kBlock consecutive
// such rules answers for all of them in one pass over the path, so a path
// that no rule matches costs one match per block instead of one per rule.
#ifndef SYD_POLICY_PATH_INDEX_H_
#define SYD_POLICY_PATH_INDEX_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "re2/set.h"
#include "src/policy/policy.h"

namespace syd {

class PathIndex {
 public:
  // Rules per Set. A hit walks its block rule by rule, so blocks stay small.
  static constexpr size_t kBlock = 64;

  struct Block {
    uint32_t begin;  // chain positions [begin, end)
    uint32_t end;
    std::unique_ptr<RE2::Set> keys;
  };

  // Blocks for the runs of at least `min_run` keyed rules.
  PathIndex(const Policy& policy, size_t min_run);

  // Blocks of syscall `nr`'s chain, by position.
  const std::vector<Block>& blocks(int nr) const;

  // Whether no rule of `block` can match `path`. False when unsure (the
  // Set's DFA ran out of memory): the caller then tries each rule.
  static bool Misses(const Block& block, const std::string& path);

 private:
  std::array<std::vector<Block>, kMaxSyscallNr> blocks_;
};

}  // namespace syd

#endif  // SYD_POLICY_PATH_INDEX_H_
