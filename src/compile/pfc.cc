#include "src/compile/pfc.h"

#include "absl/strings/str_format.h"
#include "src/base/strcat.h"
#include "src/compile/bpf.h"
#include "src/lang/printer.h"

namespace syd {
namespace {

std::string Test(const SyscallInfo& s, const Condition& c) {
  const ArgSpec& a = s.args[c.arg];
  uint64_t v = c.value & a.Mask();
  std::string arg = StrCat("arg", c.arg, a.width == 32 ? ".lo32" : "");
  std::string value = absl::StrFormat("%#x", v);
  switch (c.op) {
    case CmpOp::kMaskAny:
      return StrCat(arg, " & ", value, " != 0");
    case CmpOp::kMaskNone:
      return StrCat(arg, " & ", value, " == 0");
    default:
      return StrCat(arg, " ", CmpOpText(c.op) == "=" ? "==" : CmpOpText(c.op),
                    " ", value);
  }
}

}  // namespace

std::string PolicyPseudoCode(const Policy& p) {
  std::string out = StrCat("# ", p.rules().size(), " rules over ",
                           p.named_syscalls().size(), " syscalls\n");
  StrAppend(&out,
            "if arch != x86_64: KILL_PROCESS\nif nr & 0x40000000 (x32): "
            "KILL_PROCESS\n");
  for (int nr : p.named_syscalls()) {
    const SyscallInfo& s = *FindSyscall(nr);
    StrAppend(&out, "if nr == ", s.name, " (", nr, "):\n");
    const std::vector<ChainEntry>& chain = p.chain(nr);
    for (uint32_t pos = 0; pos < chain.size(); ++pos) {
      const ChainEntry& e = chain[pos];
      const Rule& r = p.rules()[e.rule];
      std::vector<std::string> tests;
      for (const Condition& c : r.conditions) {
        if (c.kind == Condition::Kind::kArith) tests.push_back(Test(s, c));
      }
      if (const std::optional<Condition> g = GuardCondition(s, e.guard)) {
        tests.push_back(Test(s, *g));
      } else if (e.guard != SetGuard::kNone) {
        tests.push_back(StrCat(
            "open_how.flags & ", absl::StrFormat("%#x", OpenWriteFlags()),
            e.guard == SetGuard::kWrites ? " != 0" : " == 0"));
      }
      Decision d{r.verdict, &r, !p.KernelDecides(nr, e), pos};
      std::string cond;
      for (size_t i = 0; i < tests.size(); ++i)
        StrAppend(&cond, i ? " && " : "", tests[i]);
      StrAppend(&out, "  ", cond.empty() ? "" : StrCat("if ", cond, ": "),
                SeccompReturnText(SeccompReturn(d)), "    # ",
                r.location.ToString(false),
                d.trace ? StrCat(" then syd: ", VerdictText(r.verdict)) : "",
                "\n");
      if (tests.empty()) break;
    }
  }
  StrAppend(
      &out, "default: ",
      SeccompReturnText(SeccompReturn(Decision{p.default_verdict().verdict})),
      "\n");
  return out;
}

}  // namespace syd
