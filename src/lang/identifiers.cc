// The values come from the compiler: the generated list has names only, and
// these are the headers tools/gen_identifiers read.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include "src/lang/identifiers.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/fanotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>

namespace syd {
namespace {

#define SYD_CONSTANT(n) \
  Identifier{#n, static_cast<int64_t>(n), IdentifierKind::kConstant},
#define SYD_ERRNO(n) \
  Identifier{#n, static_cast<int64_t>(n), IdentifierKind::kErrno},
#define SYD_SIGNAL(n) \
  Identifier{#n, static_cast<int64_t>(n), IdentifierKind::kSignal},
#define SYD_CAPABILITY(n) \
  Identifier{#n, static_cast<int64_t>(n), IdentifierKind::kCapability},
constexpr Identifier kIdentifiers[] = {
#include "src/lang/identifiers.inc"
};
#undef SYD_CONSTANT
#undef SYD_ERRNO
#undef SYD_SIGNAL
#undef SYD_CAPABILITY

static_assert(
    std::is_sorted(std::begin(kIdentifiers), std::end(kIdentifiers),
                   [](const Identifier& a, const Identifier& b) {
                     return a.name < b.name;
                   }),
    "identifiers.inc must be sorted by name: rerun tools/gen_identifiers");

std::optional<std::string_view> NameOf(
    int value, IdentifierKind kind,
    std::initializer_list<std::string_view> preferred) {
  // Aliases share values (EWOULDBLOCK is EAGAIN, SIGIOT is SIGABRT): prefer
  // the usual spelling.
  for (std::string_view p : preferred) {
    const Identifier* id = FindIdentifier(p);
    if (id && id->value == value) return id->name;
  }
  for (const Identifier& id : kIdentifiers) {
    if (id.kind == kind && id.value == value) return id.name;
  }
  return std::nullopt;
}

}  // namespace

absl::Span<const Identifier> AllIdentifiers() { return kIdentifiers; }

const Identifier* FindIdentifier(std::string_view name) {
  auto it = std::lower_bound(
      std::begin(kIdentifiers), std::end(kIdentifiers), name,
      [](const Identifier& id, std::string_view n) { return id.name < n; });
  return it != std::end(kIdentifiers) && it->name == name ? &*it : nullptr;
}

std::optional<std::string_view> ErrnoName(int value) {
  return NameOf(value, IdentifierKind::kErrno,
                {"EAGAIN", "EDEADLK", "ENOTSUP", "EOPNOTSUPP"});
}

std::optional<std::string_view> SignalName(int value) {
  return NameOf(value, IdentifierKind::kSignal,
                {"SIGABRT", "SIGCHLD", "SIGIO", "SIGSYS"});
}

}  // namespace syd
