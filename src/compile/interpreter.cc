// A classic BPF interpreter for seccomp programs: the subset seccomp
// accepts, checked as the kernel's loader checks it.
#include <cstring>

#include "src/base/strcat.h"
#include "src/compile/bpf.h"

namespace syd {

absl::StatusOr<uint32_t> RunBpf(const BpfProgram& prog,
                                const seccomp_data& data) {
  if (prog.empty() || prog.size() > kMaxBpfInstructions) {
    return absl::InvalidArgumentError(
        StrCat("program of ", prog.size(), " instructions"));
  }
  uint32_t a = 0, x = 0;
  uint32_t mem[BPF_MEMWORDS] = {};
  const auto* bytes = reinterpret_cast<const uint8_t*>(&data);
  for (size_t pc = 0; pc < prog.size();) {
    const sock_filter& in = prog[pc];
    auto bad = [&](const char* why) {
      return absl::InvalidArgumentError(StrCat("instruction ", pc, ": ", why));
    };
    auto jump = [&](bool taken) -> absl::Status {
      size_t to = pc + 1 + (taken ? in.jt : in.jf);
      if (to >= prog.size()) return bad("jump out of the program");
      pc = to;
      return absl::OkStatus();
    };
    switch (in.code) {
      case BPF_LD | BPF_W | BPF_ABS:
        if (in.k % 4 != 0 || in.k + 4 > sizeof(seccomp_data))
          return bad("load out of bounds");
        std::memcpy(&a, bytes + in.k, 4);
        ++pc;
        break;
      case BPF_LD | BPF_IMM:
        a = in.k;
        ++pc;
        break;
      case BPF_LDX | BPF_IMM:
        x = in.k;
        ++pc;
        break;
      case BPF_LD | BPF_MEM:
      case BPF_LDX | BPF_MEM:
      case BPF_ST:
      case BPF_STX:
        if (in.k >= BPF_MEMWORDS) return bad("scratch memory out of bounds");
        if (in.code == (BPF_LD | BPF_MEM)) a = mem[in.k];
        if (in.code == (BPF_LDX | BPF_MEM)) x = mem[in.k];
        if (in.code == BPF_ST) mem[in.k] = a;
        if (in.code == BPF_STX) mem[in.k] = x;
        ++pc;
        break;
      case BPF_ALU | BPF_AND | BPF_K:
        a &= in.k;
        ++pc;
        break;
      case BPF_ALU | BPF_OR | BPF_K:
        a |= in.k;
        ++pc;
        break;
      case BPF_MISC | BPF_TAX:
        x = a;
        ++pc;
        break;
      case BPF_MISC | BPF_TXA:
        a = x;
        ++pc;
        break;
      case BPF_JMP | BPF_JA: {
        size_t to = pc + 1 + in.k;
        if (to >= prog.size() || to <= pc)
          return bad("jump out of the program");
        pc = to;
        break;
      }
      case BPF_JMP | BPF_JEQ | BPF_K:
        if (auto s = jump(a == in.k); !s.ok()) return s;
        break;
      case BPF_JMP | BPF_JGT | BPF_K:
        if (auto s = jump(a > in.k); !s.ok()) return s;
        break;
      case BPF_JMP | BPF_JGE | BPF_K:
        if (auto s = jump(a >= in.k); !s.ok()) return s;
        break;
      case BPF_JMP | BPF_JSET | BPF_K:
        if (auto s = jump((a & in.k) != 0); !s.ok()) return s;
        break;
      case BPF_JMP | BPF_JEQ | BPF_X:
        if (auto s = jump(a == x); !s.ok()) return s;
        break;
      case BPF_JMP | BPF_JGT | BPF_X:
        if (auto s = jump(a > x); !s.ok()) return s;
        break;
      case BPF_JMP | BPF_JGE | BPF_X:
        if (auto s = jump(a >= x); !s.ok()) return s;
        break;
      case BPF_JMP | BPF_JSET | BPF_X:
        if (auto s = jump((a & x) != 0); !s.ok()) return s;
        break;
      case BPF_RET | BPF_K:
        return in.k;
      case BPF_RET | BPF_A:
        return a;
      default:
        return bad("opcode seccomp does not run");
    }
  }
  return absl::InvalidArgumentError(
      "the program runs off its end without returning");
}

}  // namespace syd
