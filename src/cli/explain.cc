// syd explain POLICY... 'CALL'
#include <linux/audit.h>

#include <cstdio>

#include "src/cli/commands.h"
#include "src/cli/policy_args.h"
#include "src/cli/usage.h"
#include "src/compile/bpf.h"
#include "src/policy/call.h"

namespace syd::cli {
namespace {

std::string RuleName(const Decision& d, const Policy& p) {
  if (d.rule == nullptr) {
    const Location& at = p.default_verdict().location;
    return at.file ? "the default (" + at.ToString(false) + ")"
                   : "the default (allow)";
  }
  return "the rule at " + d.rule->location.ToString(false) + ": " +
         RuleSourceText(*d.rule);
}

}  // namespace

int Explain(const std::vector<std::string>& args) {
  PolicyArgs pa = ParsePolicyArgs(args, /*bare_files=*/false);
  // The last bare argument is the call; the others are files.
  std::string call;
  for (const std::string& a : pa.rest) {
    if (a == "-h" || a == "--help") {
      std::printf(
          "%sPOLICY is FILE, -c FILE, -m RULE or -p PROFILE. CALL is written "
          "as "
          "strace prints it:\n"
          "  'openat(AT_FDCWD, \"/etc/passwd\", O_WRONLY|O_CREAT)'\n"
          "  'connect(3, {sa_family=AF_INET, sin_port=htons(80), "
          "sin_addr=inet_addr(\"127.0.0.1\")}, 16)'\n"
          "  'connect(3, {sa_family=AF_UNIX, sun_path=\"/run/x.sock\"}, 110)'\n"
          "Says which rule decides it and whether the kernel or syd "
          "decides (man syd).\n",
          UsageLine("explain").c_str());
      return kExitOk;
    }
    if (!call.empty()) pa.inputs.push_back({PolicyInput::Kind::kFile, call});
    call = a;
  }
  if (call.empty() || pa.inputs.empty() || !pa.error.empty()) {
    std::fputs(UsageLine("explain").c_str(), stderr);
    return kExitUsage;
  }
  absl::StatusOr<Call> event = ParseCall(call);
  if (!event.ok()) {
    std::fprintf(stderr, "syd explain: %s\n",
                 std::string(event.status().message()).c_str());
    return kExitUsage;
  }
  std::optional<Compiled> compiled = LoadAndCompile(pa, "syd explain");
  if (!compiled) return kExitErrors;
  const Policy* policy = &compiled->policy;
  const BpfProgram* prog = &compiled->filter;
  seccomp_data data{};
  data.nr = event->nr;
  data.arch = AUDIT_ARCH_X86_64;
  for (int i = 0; i < 6; ++i) data.args[i] = event->args[i];
  uint32_t ret = *RunBpf(*prog, data);
  Call kernel_view = *event;
  kernel_view.decoded = false;
  Decision kernel = Evaluate(*policy, kernel_view);
  std::printf("%s\n", call.c_str());
  if ((ret & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_TRACE) {
    std::printf("decided by the kernel: %s\nby %s\n",
                SeccompReturnText(ret).c_str(),
                RuleName(kernel, *policy).c_str());
    return kExitOk;
  }
  Decision full = Evaluate(*policy, *event, kernel.chain_pos);
  std::printf("the kernel stops it for syd (%s) at %s\n",
              SeccompReturnText(ret).c_str(),
              RuleName(kernel, *policy).c_str());
  std::printf("decided by syd: %s\nby %s\n", VerdictText(full.verdict).c_str(),
              RuleName(full, *policy).c_str());
  std::printf(
      "(paths are taken as written; in the sandbox syd resolves them first)\n");
  return kExitOk;
}

}  // namespace syd::cli
