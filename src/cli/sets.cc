// syd sets [NAME]
#include <cstdio>

#include "src/cli/commands.h"
#include "src/syscalls/syscall_sets.h"
#include "src/syscalls/syscalls.h"

namespace syd::cli {

int Sets(const std::vector<std::string>& args) {
  if (args.empty()) {
    for (const SetInfo& s : AllSets()) {
      std::printf("%%%-10s %3zu  %.*s\n", std::string(s.name).c_str(),
                  ExpandSet(s.name)->size(),
                  static_cast<int>(s.description.size()), s.description.data());
    }
    return kExitOk;
  }
  int status = kExitOk;
  for (std::string name : args) {
    if (!name.empty() && name[0] == '%') name.erase(0, 1);
    const std::vector<SetMember>* members = ExpandSet(name);
    if (!members) {
      std::fprintf(stderr,
                   "syd sets: unknown set '%%%s' (syd sets lists them)\n",
                   name.c_str());
      status = kExitErrors;
      continue;
    }
    for (const SetMember& m : *members) {
      std::string_view n = FindSyscall(m.nr)->name;
      const char* guard = "";
      switch (m.guard) {
        case SetGuard::kNone:
          break;
        case SetGuard::kWrites:
          guard = "  (when the flags write)";
          break;
        case SetGuard::kReadOnly:
          guard = "  (when the flags do not write)";
          break;
        case SetGuard::kIoctlSetFlags:
          guard = "  (request FS_IOC_SETFLAGS)";
          break;
        case SetGuard::kIoctlFsSetXattr:
          guard = "  (request FS_IOC_FSSETXATTR)";
          break;
      }
      std::printf("%.*s%s\n", static_cast<int>(n.size()), n.data(), guard);
    }
  }
  return status;
}

}  // namespace syd::cli
