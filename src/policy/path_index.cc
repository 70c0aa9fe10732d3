#include "src/policy/path_index.h"

#include "src/base/strcat.h"
#include "src/lang/glob.h"

namespace syd {
namespace {

const std::vector<PathIndex::Block> kNoBlocks;
constexpr int64_t kMaxMemory = 1 << 20;

// The test a rule cannot match without: its first regex or glob on arg_
// that is not negated, or nullptr.
const Condition* KeyOf(const Rule& r) {
  for (const Condition& c : r.conditions) {
    if (c.arg != kArgAuto || c.negated()) continue;
    if ((c.kind == Condition::Kind::kRegex && c.regex) ||
        (c.kind == Condition::Kind::kGlob && c.glob))
      return &c;
  }
  return nullptr;
}

// A key as a pattern for an unanchored Set.
std::string PatternOf(const Condition& key) {
  return key.kind == Condition::Kind::kRegex
             ? StrCat("(?:", key.regex->pattern(), ")")
             : StrCat("(?:",
                      GlobToRegex(key.glob->text()).value_or("[^\\x00-\\xff]"),
                      ")");
}

// A Set over the keys of `keys`, or nullptr when RE2 will not build it
// (the rules are then tried one by one, as without an index).
std::unique_ptr<RE2::Set> Compile(const Condition* const* keys, size_t n) {
  // The options the rules' own regexes use, so the Set accepts exactly
  // what they accept. The paths
  // come from the sandboxed processes, which could grow a DFA to RE2's
  // default budget of 8 MiB per Set; 1 MiB bounds that, and a Set out of
  // memory says so (Misses() then walks the block).
  RE2::Options options = PatternOptions();
  options.set_max_mem(kMaxMemory);
  auto set = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
  for (size_t i = 0; i < n; ++i) {
    if (set->Add(PatternOf(*keys[i]), nullptr) < 0) return nullptr;
  }
  return set->Compile() ? std::move(set) : nullptr;
}

}  // namespace

PathIndex::PathIndex(const Policy& policy, size_t min_run) {
  for (int nr : policy.named_syscalls()) {
    const std::vector<ChainEntry>& chain = policy.chain(nr);
    std::vector<const Condition*> keys(chain.size());
    for (size_t i = 0; i < chain.size(); ++i)
      keys[i] = KeyOf(policy.rules()[chain[i].rule]);
    for (size_t i = 0; i < chain.size();) {
      size_t run_end = i;
      while (run_end < chain.size() && keys[run_end] != nullptr) ++run_end;
      if (run_end - i >= min_run) {
        for (size_t b = i; b < run_end; b += kBlock) {
          const size_t e = std::min(run_end, b + kBlock);
          std::unique_ptr<RE2::Set> set = Compile(keys.data() + b, e - b);
          if (set) {
            blocks_[nr].push_back({static_cast<uint32_t>(b),
                                   static_cast<uint32_t>(e), std::move(set)});
          }
        }
      }
      i = run_end == i ? i + 1 : run_end;
    }
  }
}

const std::vector<PathIndex::Block>& PathIndex::blocks(int nr) const {
  return nr >= 0 && nr < kMaxSyscallNr ? blocks_[nr] : kNoBlocks;
}

bool PathIndex::Misses(const Block& block, const std::string& path) {
  RE2::Set::ErrorInfo error{RE2::Set::kNoError};
  // Without a vector of indices the DFA stops at the first key that
  // matches, and nothing is allocated.
  if (block.keys->Match(re2::StringPiece(path.data(), path.size()), nullptr,
                        &error)) {
    return false;
  }
  return error.kind == RE2::Set::kNoError;
}

}  // namespace syd
