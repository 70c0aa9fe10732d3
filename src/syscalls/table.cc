#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

#include "src/syscalls/syscalls.h"

namespace syd {
namespace {

struct NumberEntry {
  std::string_view name;
  int nr;
};

#define SYD_NR(name, nr) NumberEntry{#name, nr},
constexpr NumberEntry kX86_64Generated[] = {
#include "src/syscalls/numbers_x86_64.inc"
};
constexpr NumberEntry kI386Generated[] = {
#include "src/syscalls/numbers_i386.inc"
};
constexpr NumberEntry kX32Generated[] = {
#include "src/syscalls/numbers_x32.inc"
};
constexpr NumberEntry kNewer[] = {
#include "src/syscalls/numbers_newer.inc"
};
#undef SYD_NR

constexpr int kX32Bit = 0x40000000;

template <size_t N>
constexpr int FindNumber(const NumberEntry (&table)[N], std::string_view name) {
  for (const NumberEntry& e : table) {
    if (e.name == name) return e.nr;
  }
  return -1;
}

// One ABI's table: the generated entries plus the newer ones the headers
// predate. `offset` is 0, or the x32 bit.
template <size_t G>
constexpr auto MergeNumbers(const NumberEntry (&generated)[G], int offset) {
  std::array<NumberEntry, G + std::size(kNewer)> out{};
  size_t n = 0;
  for (const NumberEntry& e : generated) out[n++] = e;
  for (const NumberEntry& e : kNewer) {
    int known = FindNumber(generated, e.name);
    if (known != -1 && known != e.nr + offset) {
      throw "numbers_newer.inc disagrees with the generated table";
    }
    if (known == -1) out[n++] = NumberEntry{e.name, e.nr + offset};
  }
  if (n != out.size()) throw "numbers_newer.inc repeats a generated syscall";
  std::sort(
      out.begin(), out.end(),
      [](const NumberEntry& a, const NumberEntry& b) { return a.nr < b.nr; });
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].nr == out[i - 1].nr) throw "two syscalls share a number";
  }
  return out;
}

constexpr auto kX86_64 = MergeNumbers(kX86_64Generated, 0);
constexpr auto kI386 = MergeNumbers(kI386Generated, 0);
constexpr auto kX32 = MergeNumbers(kX32Generated, kX32Bit);

// strace's class flags, as schema_x86_64.inc spells them.
constexpr uint32_t TF = kClassFile, TP = kClassProcess, TN = kClassNetwork,
                   TS = kClassSignal, TI = kClassIpc, TD = kClassDesc,
                   TM = kClassMemory, TC = kClassCreds, TCL = kClassClock,
                   TST = kClassStat, TLST = kClassLstat, TFST = kClassFstat,
                   TSTA = kClassStatAll, TSF = kClassStatfs,
                   TFSF = kClassFstatfs, TSFA = kClassStatfsAll,
                   PU = kClassPure;

struct SchemaEntry {
  std::string_view name;
  uint32_t classes;
  std::string_view signature;
};

#define SYD_SCHEMA(name, classes, sig) SchemaEntry{#name, classes, sig},
constexpr SchemaEntry kSchema[] = {
#include "src/syscalls/schema_x86_64.inc"
};
#undef SYD_SCHEMA

constexpr ArgSpec ParseToken(std::string_view tok) {
  ArgSpec a;
  auto is = [&](std::string_view s) { return tok == s; };
  if (is("int") || is("uint") || is("alen")) {
    a.width = 32;
    if (is("alen")) a.kind = ArgKind::kSockaddrLen;
  } else if (is("fd")) {
    a.kind = ArgKind::kFd, a.width = 32;
  } else if (is("dirfd")) {
    a.kind = ArgKind::kDirFd, a.width = 32;
  } else if (is("pid")) {
    a.kind = ArgKind::kPid, a.width = 32;
  } else if (is("sig")) {
    a.kind = ArgKind::kSignal, a.width = 32;
  } else if (is("mode")) {
    a.kind = ArgKind::kMode, a.width = 32;
  } else if (is("oflags")) {
    a.kind = ArgKind::kOpenFlags, a.width = 32;
  } else if (is("atflags")) {
    a.kind = ArgKind::kAtFlags, a.width = 32;
  } else if (is("uid")) {
    a.kind = ArgKind::kUid, a.width = 32;
  } else if (is("gid")) {
    a.kind = ArgKind::kGid, a.width = 32;
  } else if (is("long") || is("ulong") || is("size") || is("off")) {
    a.kind = ArgKind::kValue;
  } else if (is("ptr")) {
    a.kind = ArgKind::kPointer;
  } else if (is("str")) {
    a.kind = ArgKind::kString;
  } else if (is("how")) {
    a.kind = ArgKind::kOpenHow;
  } else if (is("msghdr")) {
    a.kind = ArgKind::kMsghdr;
  } else if (is("mmsghdr")) {
    a.kind = ArgKind::kMmsghdr;
  } else if (is("addr")) {
    a.kind = ArgKind::kSockaddr;
  } else if (is("fd:addr")) {
    // A socket judged by the address it is bound to (listen's: an unbound
    // one is bound to the wildcard address as it listens).
    a.kind = ArgKind::kSockaddr, a.width = 32, a.from_fd = true;
  } else if (is("addr_out")) {
    a.kind = ArgKind::kSockaddrOut;
  } else if (is("fd:w") || is("fd:i")) {
    a.kind = ArgKind::kPath, a.width = 32, a.from_fd = true;
    a.access = is("fd:w") ? PathAccess::kWrite : PathAccess::kNone;
  } else if (tok.size() >= 6 && tok.substr(0, 5) == "path:") {
    a.kind = ArgKind::kPath;
    switch (tok[5]) {
      case 'r':
        a.access = PathAccess::kRead;
        break;
      case 'w':
        a.access = PathAccess::kWrite;
        break;
      case 'c':
        a.access = PathAccess::kCreate;
        break;
      case 'd':
        a.access = PathAccess::kDelete;
        break;
      case 'x':
        a.access = PathAccess::kExec;
        break;
      case 'o':
        a.access = PathAccess::kOpen;
        break;
      default:
        throw "unknown path access in a signature";
    }
    if (tok.size() == 7 && tok[6] == '!') {
      a.nofollow = true;
    } else if (tok.size() != 6) {
      throw "malformed path token in a signature";
    }
  } else {
    throw "unknown token in a signature";
  }
  return a;
}

constexpr SyscallInfo Build(const SchemaEntry& e) {
  SyscallInfo info;
  info.name = e.name;
  info.classes = e.classes;
  info.nr = FindNumber(kX86_64Generated, e.name);
  if (info.nr == -1) info.nr = FindNumber(kNewer, e.name);
  if (info.nr == -1) throw "schema names a syscall x86_64 does not have";
  std::string_view sig = e.signature;
  int last_dirfd = -1;
  while (!sig.empty()) {
    size_t end = sig.find(' ');
    std::string_view tok = sig.substr(0, end);
    sig = end == std::string_view::npos ? std::string_view()
                                        : sig.substr(end + 1);
    if (info.nargs == 6) throw "more than six arguments in a signature";
    ArgSpec a = ParseToken(tok);
    if (a.kind == ArgKind::kDirFd) last_dirfd = info.nargs;
    if (a.kind == ArgKind::kPath && !a.from_fd)
      a.dirfd = static_cast<int8_t>(last_dirfd);
    info.args[info.nargs++] = a;
  }
  return info;
}

constexpr auto BuildTable() {
  std::array<SyscallInfo, std::size(kSchema)> out{};
  for (size_t i = 0; i < out.size(); ++i) out[i] = Build(kSchema[i]);
  std::sort(
      out.begin(), out.end(),
      [](const SyscallInfo& a, const SyscallInfo& b) { return a.nr < b.nr; });
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].nr == out[i - 1].nr) throw "schema lists a syscall twice";
  }
  if (out.size() != kX86_64.size()) throw "schema misses an x86_64 syscall";
  if (out.back().nr >= kMaxSyscallNr) throw "raise kMaxSyscallNr";
  return out;
}

constexpr auto kTable = BuildTable();

template <size_t N>
constexpr auto NamesOf(const std::array<NumberEntry, N>& numbers) {
  std::array<std::string_view, N> out{};
  for (size_t i = 0; i < N; ++i) out[i] = numbers[i].name;
  return out;
}
constexpr auto kX86_64Names = NamesOf(kX86_64);
constexpr auto kI386Names = NamesOf(kI386);
constexpr auto kX32Names = NamesOf(kX32);

template <size_t N>
std::optional<int> Lookup(const std::array<NumberEntry, N>& t,
                          std::string_view name) {
  for (const NumberEntry& e : t) {
    if (e.name == name) return e.nr;
  }
  return std::nullopt;
}

template <size_t N>
std::optional<std::string_view> ReverseLookup(
    const std::array<NumberEntry, N>& t, int nr) {
  auto it =
      std::lower_bound(t.begin(), t.end(), nr,
                       [](const NumberEntry& e, int n) { return e.nr < n; });
  if (it == t.end() || it->nr != nr) return std::nullopt;
  return it->name;
}

}  // namespace

std::string_view AbiName(Abi abi) {
  switch (abi) {
    case Abi::kX86_64:
      return "x86_64";
    case Abi::kI386:
      return "i386";
    case Abi::kX32:
      return "x32";
  }
  return "?";
}

absl::Span<const SyscallInfo> AllSyscalls() { return kTable; }

const SyscallInfo* FindSyscall(std::string_view name) {
  for (const SyscallInfo& s : kTable) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const SyscallInfo* FindSyscall(int nr) {
  auto it =
      std::lower_bound(kTable.begin(), kTable.end(), nr,
                       [](const SyscallInfo& s, int n) { return s.nr < n; });
  return it != kTable.end() && it->nr == nr ? &*it : nullptr;
}

std::optional<int> SyscallNumber(Abi abi, std::string_view name) {
  switch (abi) {
    case Abi::kX86_64:
      return Lookup(kX86_64, name);
    case Abi::kI386:
      return Lookup(kI386, name);
    case Abi::kX32:
      return Lookup(kX32, name);
  }
  return std::nullopt;
}

std::optional<std::string_view> SyscallName(Abi abi, int nr) {
  switch (abi) {
    case Abi::kX86_64:
      return ReverseLookup(kX86_64, nr);
    case Abi::kI386:
      return ReverseLookup(kI386, nr);
    case Abi::kX32:
      return ReverseLookup(kX32, nr);
  }
  return std::nullopt;
}

absl::Span<const std::string_view> SyscallNames(Abi abi) {
  switch (abi) {
    case Abi::kX86_64:
      return kX86_64Names;
    case Abi::kI386:
      return kI386Names;
    case Abi::kX32:
      return kX32Names;
  }
  return {};
}

}  // namespace syd
