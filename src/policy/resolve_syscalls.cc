// Syscall names, numbers, sets and regexes to the members of a rule.
#include <algorithm>

#include "src/base/strcat.h"
#include "src/lang/suggest.h"
#include "src/policy/resolver.h"
#include "src/syscalls/syscall_sets.h"
#include "src/syscalls/syscalls.h"

namespace syd::resolve_internal {

std::vector<std::string_view> Names(absl::Span<const std::string_view> names) {
  return std::vector<std::string_view>(names.begin(), names.end());
}

void Resolver::AddMember(std::vector<Member>* members, Member m) {
  int& at = member_index_[m.nr];
  if (at < 0) {
    at = static_cast<int>(members->size());
    members->push_back(m);
    return;
  }
  Member& have = (*members)[at];
  // ioctl's attribute requests are a member each (one register test per
  // chain entry).
  if (IsRequestGuard(m.guard) && IsRequestGuard(have.guard) && !m.is_explicit) {
    if (std::none_of(members->begin(), members->end(), [&](const Member& x) {
          return x.nr == m.nr && x.guard == m.guard;
        })) {
      members->push_back(m);
    }
    return;
  }
  // Named explicitly, or under two guards, a syscall is in the rule
  // whatever its registers: its first member takes it whole, and the
  // others go (Syscalls drops members whose nr is kDropped).
  if (m.is_explicit || have.guard != m.guard) {
    have.guard = SetGuard::kNone;
    for (Member& x : *members) {
      if (x.nr == m.nr && &x != &have) x.nr = kDropped;
    }
  }
  have.is_explicit |= m.is_explicit;
}

void Resolver::OtherAbiWarning(std::string_view name, const Location& loc) {
  for (Abi abi : {Abi::kI386, Abi::kX32}) {
    if (SyscallNumber(abi, name)) {
      diags_.Warning(loc, StrCat("'", name, "' is an ", AbiName(abi),
                                 " syscall; x86_64 has none of that name, and ",
                                 AbiName(abi), " calls are killed"));
      return;
    }
  }
}

std::vector<Member> Resolver::Syscalls(const std::vector<SyscallItem>& items) {
  std::vector<Member> members;
  for (const SyscallItem& item : items) {
    switch (item.kind) {
      case SyscallItem::Kind::kName: {
        if (const SyscallInfo* s = FindSyscall(item.text)) {
          AddMember(&members, {s->nr, SetGuard::kNone, true});
        } else if (SyscallNumber(Abi::kI386, item.text) ||
                   SyscallNumber(Abi::kX32, item.text)) {
          OtherAbiWarning(item.text, item.location);
        } else {
          Error(
              item.location,
              StrCat("unknown syscall '", item.text, "'",
                     DidYouMean(item.text, Names(SyscallNames(Abi::kX86_64)))));
        }
        break;
      }
      case SyscallItem::Kind::kNumber: {
        const SyscallInfo* s = item.number < kMaxSyscallNr
                                   ? FindSyscall(static_cast<int>(item.number))
                                   : nullptr;
        if (s == nullptr) {
          Error(item.location,
                StrCat("no x86_64 syscall has number ", item.number));
        } else {
          AddMember(&members, {s->nr, SetGuard::kNone, true});
        }
        break;
      }
      case SyscallItem::Kind::kRegex: {
        RE2 re(StrCat("(?:", item.text, ")"), RE2::Quiet);
        if (!re.ok()) {
          Error(item.location,
                StrCat("bad syscall regex /", item.text, ": ", re.error()));
          break;
        }
        size_t before = members.size();
        for (const SyscallInfo& s : AllSyscalls()) {
          if (RE2::FullMatch(re2::StringPiece(s.name.data(), s.name.size()),
                             re)) {
            AddMember(&members, {s.nr, SetGuard::kNone, false});
          }
        }
        if (members.size() == before) RegexMatchesNothing(item, re);
        break;
      }
      case SyscallItem::Kind::kSet: {
        const std::vector<SetMember>* set = ExpandSet(item.text);
        if (!set) {
          std::vector<std::string_view> names;
          for (const SetInfo& s : AllSets()) names.push_back(s.name);
          Error(item.location, StrCat("unknown syscall set '%", item.text, "'",
                                      DidYouMean(item.text, names),
                                      "; `syd sets` lists them"));
          break;
        }
        if (item.text == "stat") {
          diags_.Warning(item.location,
                         "%stat is strace's: only stat(2); glibc's stat() "
                         "calls newfstatat. "
                         "%%stat names every stat variant");
        }
        for (const SetMember& m : *set) {
          AddMember(&members, {m.nr, m.guard, false});
        }
        break;
      }
    }
  }
  std::erase_if(members, [](const Member& m) { return m.nr == kDropped; });
  for (const Member& m : members) member_index_[m.nr] = -1;
  std::sort(members.begin(), members.end(),
            [](const Member& a, const Member& b) {
              return a.nr != b.nr ? a.nr < b.nr : a.guard < b.guard;
            });
  return members;
}

void Resolver::RegexMatchesNothing(const SyscallItem& item, const RE2& re) {
  for (Abi abi : {Abi::kI386, Abi::kX32}) {
    std::vector<std::string_view> hits;
    for (std::string_view name : SyscallNames(abi)) {
      if (RE2::FullMatch(re2::StringPiece(name.data(), name.size()), re))
        hits.push_back(name);
    }
    if (!hits.empty()) {
      diags_.Warning(item.location,
                     StrCat("/", item.text, " matches no x86_64 syscall (on ",
                            AbiName(abi), " it matches ", hits.front(),
                            hits.size() > 1 ? " and others" : "",
                            "); the regex must match the whole name"));
      return;
    }
  }
  diags_.Warning(item.location,
                 StrCat("/", item.text,
                        " matches no syscall; the regex must match the whole "
                        "name"));
}

}  // namespace syd::resolve_internal
