#include <array>
#include <tuple>

#include "src/policy/path_index.h"
#include "src/policy/policy.h"

namespace syd {

bool ArithHolds(CmpOp op, uint64_t x, uint64_t v) {
  switch (op) {
    case CmpOp::kEq:
      return x == v;
    case CmpOp::kNe:
      return x != v;
    case CmpOp::kGt:
      return x > v;
    case CmpOp::kGe:
      return x >= v;
    case CmpOp::kLt:
      return x < v;
    case CmpOp::kLe:
      return x <= v;
    case CmpOp::kMaskAny:
      return (x & v) != 0;
    case CmpOp::kMaskNone:
      return (x & v) == 0;
    default:
      return false;
  }
}

namespace {

// Register tests: what the kernel can decide. A set's guard counts when
// its test is on a register.
bool RegistersMatch(const SyscallInfo& s, const Rule& r, SetGuard guard,
                    const Call& e) {
  for (const Condition& c : r.conditions) {
    if (c.kind != Condition::Kind::kArith) continue;
    uint64_t mask = s.args[c.arg].Mask();
    if (!ArithHolds(c.op, e.args[c.arg] & mask, c.value & mask)) return false;
  }
  if (const std::optional<Condition> g = GuardCondition(s, guard)) {
    const uint64_t mask = s.args[g->arg].Mask();
    if (!ArithHolds(g->op, e.args[g->arg] & mask, g->value & mask))
      return false;
  }
  return true;
}

bool DefaultLogged(const Policy& p) { return p.default_verdict().log.Logs(); }

struct Binding {
  const std::string* path = nullptr;       // arg_ on a path
  const SocketAddress* address = nullptr;  // arg_ on an address
};

bool StringMatches(const Condition& c, const std::string& s) {
  bool hit = false;
  switch (c.kind) {
    case Condition::Kind::kString:
      hit = s == c.text;
      break;
    case Condition::Kind::kRegex:
      hit = RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *c.regex);
      break;
    case Condition::Kind::kGlob:
      hit = c.glob->Matches(s);
      break;
    default:
      break;
  }
  return c.negated() ? !hit : hit;
}

// The tests only the tracer can decide, on decoded data.
bool DecodedMatch(const SyscallInfo& s, const Rule& r, SetGuard guard,
                  const Call& e, const Binding& b) {
  // An open guard on flags in memory (openat2's open_how).
  if ((guard == SetGuard::kWrites || guard == SetGuard::kReadOnly) &&
      !GuardCondition(s, guard)) {
    if (!e.open_how_flags || !OpenGuardHolds(guard, *e.open_how_flags))
      return false;
  }
  if (r.command && !RE2::PartialMatch(e.comm, *r.command)) return false;
  if (r.cmdline && !RE2::PartialMatch(e.cmdline, *r.cmdline)) return false;
  for (const Condition& c : r.conditions) {
    if (c.kind == Condition::Kind::kArith) continue;
    if (c.kind == Condition::Kind::kNet) {
      const SocketAddress* a = c.arg == kArgAuto    ? b.address
                               : e.addresses[c.arg] ? &*e.addresses[c.arg]
                                                    : nullptr;
      if (a == nullptr) return false;
      const bool hit = c.net->bound ? e.bound != nullptr && e.bound->Reaches(*a)
                                    : c.net->Matches(*a);
      if (c.negated() ? hit : !hit) return false;
      continue;
    }
    const std::string* str = c.arg == kArgAuto  ? b.path
                             : e.strings[c.arg] ? &*e.strings[c.arg]
                                                : nullptr;
    if (str == nullptr || !StringMatches(c, *str)) return false;
  }
  return true;
}

Decision Run(const Policy& p, const SyscallInfo& s, const Call& e,
             uint32_t start, const Binding& b) {
  const std::vector<ChainEntry>& chain = p.chain(s.nr);
  // Blocks of path rules, skipped whole when none of their keys matches.
  const std::vector<PathIndex::Block>* blocks =
      e.decoded && b.path && p.path_index() ? &p.path_index()->blocks(s.nr)
                                            : nullptr;
  size_t next_block = 0;
  for (uint32_t pos = start; pos < chain.size(); ++pos) {
    if (blocks) {
      while (next_block < blocks->size() && (*blocks)[next_block].begin < pos)
        ++next_block;
      if (next_block < blocks->size() && (*blocks)[next_block].begin == pos &&
          PathIndex::Misses((*blocks)[next_block], *b.path)) {
        pos = (*blocks)[next_block].end - 1;
        continue;
      }
    }
    const ChainEntry& entry = chain[pos];
    const Rule& r = p.rules()[entry.rule];
    if (!RegistersMatch(s, r, entry.guard, e)) continue;
    if (!p.KernelDecides(s.nr, entry)) {
      if (!e.decoded) return Decision{r.verdict, &r, true, pos};
      if (!DecodedMatch(s, r, entry.guard, e, b)) continue;
    }
    return Decision{r.verdict, &r, false, pos};
  }
  // A logged default goes past the tracer, which reports it.
  return Decision{p.default_verdict().verdict, nullptr,
                  !e.decoded && DefaultLogged(p),
                  static_cast<uint32_t>(chain.size())};
}

}  // namespace

int Restrictiveness(const Verdict& v) {
  switch (v.kind) {
    case Verdict::Kind::kKillProcess:
      return 7;
    case Verdict::Kind::kKillThread:
      return 6;
    case Verdict::Kind::kTrap:
      return 5;
    case Verdict::Kind::kErrno:
      return 4;
    case Verdict::Kind::kRetval:
      return 3;
    case Verdict::Kind::kPlugin:
      return 2;
    case Verdict::Kind::kDetachProcess:
    case Verdict::Kind::kDetachThread:
      return 1;
    case Verdict::Kind::kLog:
    case Verdict::Kind::kAllow:
      return 0;
  }
  return 0;
}

Decision Evaluate(const Policy& p, const Call& e, uint32_t start) {
  if (e.abi != Abi::kX86_64) {
    return Decision{Verdict{Verdict::Kind::kKillProcess, 0}, nullptr, false, 0};
  }
  const SyscallInfo* s = FindSyscall(e.nr);
  if (s == nullptr) {
    return Decision{p.default_verdict().verdict, nullptr,
                    !e.decoded && DefaultLogged(p), 0};
  }
  if (!e.decoded) {
    Decision d = Run(p, *s, e, start, Binding{});
    // A watched call that would run goes past the tracer.
    if (!d.trace && p.StopsWatched(e.nr, d.verdict)) d.trace = true;
    return d;
  }
  // arg_ binds to each path (or address) argument in turn. The tracer
  // evaluates at every stop: no allocation here.
  std::array<Binding, std::tuple_size_v<decltype(Call::args)>> bindings;
  size_t n = 0;
  for (int i = 0; i < s->nargs; ++i) {
    if (s->args[i].IsPath() && e.strings[i]) {
      bindings[n++] = {&*e.strings[i], nullptr};
    } else if (s->args[i].IsAddress() && e.addresses[i]) {
      bindings[n++] = {nullptr, &*e.addresses[i]};
    }
  }
  Decision worst = Run(p, *s, e, start, bindings[0]);
  auto judge = [&](const Binding& b) {
    Decision d = Run(p, *s, e, start, b);
    if (Restrictiveness(d.verdict) > Restrictiveness(worst.verdict)) worst = d;
  };
  for (size_t i = 1; i < n; ++i) judge(bindings[i]);
  for (const SocketAddress& a : e.more_addresses) judge({nullptr, &a});
  return worst;
}

}  // namespace syd
