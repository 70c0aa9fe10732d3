#include "src/learn/recording.h"

#include <limits.h>
#include <stdlib.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "src/compile/landlock_layer.h"
#include "src/learn/learn_policy.h"
#include "src/policy/baseline.h"
#include "src/syscalls/syscall_sets.h"
#include "src/syscalls/syscalls.h"
#include "src/tracee/decode.h"

namespace syd::learn {
namespace {

// Whether call `e` of syscall `s` is in set `name`, its guard included.
bool InSet(std::string_view name, const SyscallInfo& s, const Call& e) {
  const std::vector<SetMember>* members = ExpandSet(name);
  if (members == nullptr) return false;
  for (const SetMember& m : *members) {
    if (m.nr != s.nr) continue;
    if (m.guard == SetGuard::kNone || IsRequestGuard(m.guard)) return true;
    const std::optional<uint64_t> flags = tracee::OpenFlagsOf(s, e);
    if (flags && OpenGuardHolds(m.guard, *flags)) return true;
  }
  return false;
}

// An address as a rule allows it: a loopback port a program chose
// (unprivileged, or 0 for any) is one of many it may choose next time, so
// the range is learned; everything else exactly.
std::string LearnedAddress(const SocketAddress& a) {
  const bool loopback4 = a.family == AddressFamily::kInet && a.ip[0] == 127;
  std::array<uint8_t, 16> one{};
  one[15] = 1;
  const bool loopback6 = a.family == AddressFamily::kInet6 && a.ip == one;
  if (!loopback4 && !loopback6) return a.ToString();
  const char* name = loopback4 ? "LOOPBACK@" : "LOOPBACK6@";
  if (a.port >= 1024) return std::string(name) + "1024-65535";
  return name + std::to_string(a.port);
}

}  // namespace

std::string FileLabel(const SyscallInfo& s, const Call& e) {
  for (std::string_view set : kFileSets) {
    if (InSet(set, s, e)) return std::string(set);
  }
  return std::string(s.name);
}

std::vector<int> Recording::TestedArgs(int nr) const {
  std::vector<int> args;
  for (const ChainEntry& c : policy_->chain(nr)) {
    for (const Condition& cond : policy_->rules()[c.rule].conditions) {
      if (cond.kind == Condition::Kind::kArith && cond.arg >= 0 &&
          cond.arg < 6 &&
          std::find(args.begin(), args.end(), cond.arg) == args.end()) {
        args.push_back(cond.arg);
      }
    }
  }
  std::sort(args.begin(), args.end());
  return args;
}

void Recording::Keep(const Call& e, const SyscallInfo& s) {
  // Pointers and descriptors differ from call to call and decide nothing
  // a profile tests; values, names and addresses do.
  std::string key = std::to_string(e.nr);
  for (int i = 0; i < s.nargs; ++i) {
    key += '\0';
    const ArgKind k = s.args[i].kind;
    if (k == ArgKind::kValue || k == ArgKind::kSignal || k == ArgKind::kMode ||
        k == ArgKind::kOpenFlags || k == ArgKind::kAtFlags ||
        k == ArgKind::kUid || k == ArgKind::kGid) {
      key += std::to_string(e.args[i] & s.args[i].Mask());
    } else if (k == ArgKind::kOpenHow && e.open_how_flags) {
      key += std::to_string(*e.open_how_flags);
    } else if (e.strings[i]) {
      key += *e.strings[i];
    } else if (e.addresses[i]) {
      key += e.addresses[i]->ToString();
    }
  }
  if (call_keys_.count(key) > 0) return;
  if (calls_.size() >= kMaxCalls) {
    calls_capped_ = true;
    return;
  }
  call_keys_.insert(std::move(key));
  Call kept = e;
  kept.bound = nullptr;
  kept.comm.clear();
  kept.cmdline.clear();
  calls_.push_back(std::move(kept));
}

size_t Recording::AddressCount() const {
  size_t n = 0;
  for (const auto& [call, set] : addresses_) n += set.size();
  return n;
}

bool Recording::Add(const Call& e, const Decision& d) {
  const SyscallInfo* s = FindSyscall(e.nr);
  if (d.rule != nullptr && d.rule->baseline != nullptr) {
    ++baseline_[std::string(d.rule->baseline->name)];
    return false;
  }
  if (s == nullptr) return true;
  ++syscalls_[std::string(s->name)];
  if (every_call_) Keep(e, *s);
  if (d.rule != nullptr && IsEveryCallRule(*d.rule)) return true;
  const bool exec = s->name == "execve" || s->name == "execveat";
  bool named = false;
  for (int i = 0; i < s->nargs; ++i) {
    const ArgSpec& a = s->args[i];
    if (a.IsPath() && e.strings[i] && !e.strings[i]->empty()) {
      named = true;
      if (exec) {
        execs_.insert(*e.strings[i]);
        // By the name the kernel reaches: /bin/sh is dash.
        if (std::optional<std::string> interpreter =
                ScriptInterpreter(*e.strings[i])) {
          char real[PATH_MAX];
          execs_.insert(realpath(interpreter->c_str(), real) != nullptr
                            ? std::string(real)
                            : *interpreter);
        }
      } else {
        files_[*e.strings[i]].insert(FileLabel(*s, e));
      }
    } else if (a.IsAddress() && a.kind != ArgKind::kSockaddrOut &&
               e.addresses[i] &&
               e.addresses[i]->family != AddressFamily::kOther) {
      named = true;
      std::set<std::string>& to = addresses_[std::string(s->name)];
      to.insert(LearnedAddress(*e.addresses[i]));
      for (const SocketAddress& more : e.more_addresses) {
        if (more.family != AddressFamily::kOther)
          to.insert(LearnedAddress(more));
      }
    }
  }
  if (!named) {
    PlainCall call{std::string(s->name), {}};
    for (int arg : TestedArgs(e.nr)) {
      call.args.emplace_back(arg, e.args[arg] & s->args[arg].Mask());
    }
    plain_calls_.insert(std::move(call));
  }
  return true;
}

}  // namespace syd::learn
