#include <algorithm>

#include "absl/strings/str_format.h"
#include "src/base/strcat.h"
#include "src/compile/bpf.h"
#include "src/lang/identifiers.h"

namespace syd {

std::string SeccompReturnText(uint32_t ret) {
  uint32_t data = ret & SECCOMP_RET_DATA;
  switch (ret & SECCOMP_RET_ACTION_FULL) {
    case SECCOMP_RET_KILL_PROCESS:
      return "KILL_PROCESS";
    case SECCOMP_RET_KILL_THREAD:
      return "KILL_THREAD";
    case SECCOMP_RET_TRAP:
      return StrCat("TRAP(", data, ")");
    case SECCOMP_RET_ERRNO: {
      std::optional<std::string_view> name = ErrnoName(static_cast<int>(data));
      return StrCat("ERRNO(", name ? std::string(*name) : StrCat(data), ")");
    }
    case SECCOMP_RET_USER_NOTIF:
      return "USER_NOTIF";
    case SECCOMP_RET_TRACE:
      return StrCat("TRACE(", data, ")");
    case SECCOMP_RET_LOG:
      return "LOG";
    case SECCOMP_RET_ALLOW:
      return "ALLOW";
  }
  return absl::StrFormat("%#x", ret);
}

std::string DisassembleBpf(const BpfProgram& prog) {
  std::string out;
  for (size_t pc = 0; pc < prog.size(); ++pc) {
    const sock_filter& in = prog[pc];
    std::string text;
    const char* jop = nullptr;
    switch (in.code) {
      case BPF_LD | BPF_W | BPF_ABS: {
        std::string what = in.k == 0    ? "nr"
                           : in.k == 4  ? "arch"
                           : in.k >= 16 ? StrCat("arg", (in.k - 16) / 8,
                                                 (in.k % 8) ? ".hi" : ".lo")
                                        : StrCat("[", in.k, "]");
        text = StrCat("ld  ", what);
        break;
      }
      case BPF_RET | BPF_K:
        text = StrCat("ret ", SeccompReturnText(in.k));
        break;
      case BPF_JMP | BPF_JA:
        text = StrCat("ja  ", pc + 1 + in.k);
        break;
      case BPF_JMP | BPF_JEQ | BPF_K:
        jop = "jeq ";
        break;
      case BPF_JMP | BPF_JGT | BPF_K:
        jop = "jgt ";
        break;
      case BPF_JMP | BPF_JGE | BPF_K:
        jop = "jge ";
        break;
      case BPF_JMP | BPF_JSET | BPF_K:
        jop = "jset";
        break;
      default:
        text = absl::StrFormat("code %#x k %#x jt %d jf %d", in.code, in.k,
                               in.jt, in.jf);
    }
    if (jop != nullptr) {
      text = absl::StrFormat("%s %#x, %d, %d", jop, in.k, pc + 1 + in.jt,
                             pc + 1 + in.jf);
    }
    StrAppend(&out, absl::StrFormat("%4d  ", pc), text, "\n");
  }
  return out;
}

BpfStats AnalyzeBpf(const BpfProgram& prog, size_t syscalls) {
  // Jumps go forward only: the longest path is a pass from the end.
  std::vector<size_t> longest(prog.size() + 1, 0);
  for (size_t pc = prog.size(); pc-- > 0;) {
    const sock_filter& in = prog[pc];
    auto at = [&](size_t to) { return to < prog.size() ? longest[to] : 0; };
    size_t next = 0;
    if (BPF_CLASS(in.code) == BPF_RET) {
      next = 0;
    } else if (in.code == (BPF_JMP | BPF_JA)) {
      next = at(pc + 1 + in.k);
    } else if (BPF_CLASS(in.code) == BPF_JMP) {
      next = std::max(at(pc + 1 + in.jt), at(pc + 1 + in.jf));
    } else {
      next = at(pc + 1);
    }
    longest[pc] = 1 + next;
  }
  return BpfStats{prog.size(), prog.empty() ? 0 : longest[0], syscalls};
}

}  // namespace syd
