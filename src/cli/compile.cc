// syd compile [-c FILE | -m RULE | -p NAME | FILE]... [--pfc|--disasm|--bpf
// OUT] [--stats]
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "src/cli/commands.h"
#include "src/cli/policy_args.h"
#include "src/cli/usage.h"
#include "src/compile/bpf.h"
#include "src/compile/pfc.h"

namespace syd::cli {

int Compile(const std::vector<std::string>& all_args) {
  enum class Out { kNone, kPfc, kDisasm, kBpf } out = Out::kNone;
  bool stats = false;
  std::string bpf_path;
  // --bpf takes a value that is not a policy file: take it out first.
  std::vector<std::string> args;
  for (size_t i = 0; i < all_args.size(); ++i) {
    if (all_args[i] == "--bpf" && i + 1 < all_args.size()) {
      out = Out::kBpf;
      bpf_path = all_args[++i];
    } else {
      args.push_back(all_args[i]);
    }
  }
  PolicyArgs pa = ParsePolicyArgs(args, /*bare_files=*/true);
  for (size_t i = 0; i < pa.rest.size(); ++i) {
    const std::string& a = pa.rest[i];
    if (a == "--pfc") {
      out = Out::kPfc;
    } else if (a == "--disasm") {
      out = Out::kDisasm;
    } else if (a == "--stats") {
      stats = true;
    } else if (a == "-h" || a == "--help") {
      std::printf(
          "%sPOLICY is FILE, -c FILE, -m RULE or -p PROFILE. Writes the "
          "seccomp "
          "filter:\n"
          "  --pfc     a readable listing, syscall by syscall (the default)\n"
          "  --disasm  the BPF instructions\n"
          "  --bpf OUT the raw filter (struct sock_filter[]), for seccomp(2)\n"
          "  --stats   instructions, worst-case path, syscalls named\n",
          UsageLine("compile").c_str());
      return kExitOk;
    } else {
      pa.error = "unknown argument '" + a + "'";
    }
  }
  if (!pa.error.empty() || pa.inputs.empty()) {
    std::fprintf(stderr, "syd compile: %s\n%s",
                 pa.error.empty() ? "no policy given" : pa.error.c_str(),
                 UsageLine("compile").c_str());
    return kExitUsage;
  }
  std::optional<Compiled> compiled = LoadAndCompile(pa, "syd compile");
  if (!compiled) return kExitErrors;
  const Policy* policy = &compiled->policy;
  const BpfProgram* prog = &compiled->filter;
  if (out == Out::kNone && !stats) out = Out::kPfc;
  if (out == Out::kPfc) std::fputs(PolicyPseudoCode(*policy).c_str(), stdout);
  if (out == Out::kDisasm) std::fputs(DisassembleBpf(*prog).c_str(), stdout);
  if (out == Out::kBpf) {
    int fd =
        open(bpf_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    size_t bytes = prog->size() * sizeof(sock_filter);
    if (fd < 0 ||
        write(fd, prog->data(), bytes) != static_cast<ssize_t>(bytes)) {
      std::perror(("syd compile: " + bpf_path).c_str());
      if (fd >= 0) close(fd);
      return kExitErrors;
    }
    close(fd);
  }
  if (stats) {
    BpfStats s = AnalyzeBpf(*prog, policy->named_syscalls().size());
    std::fprintf(stderr,
                 "instructions: %zu of %zu\nworst-case path: %zu instructions\n"
                 "syscalls named: %zu\nrules: %zu\ntracer needed: %s\n",
                 s.instructions, kMaxBpfInstructions, s.worst_path, s.syscalls,
                 policy->rules().size(), policy->NeedsTracer() ? "yes" : "no");
  }
  return kExitOk;
}

}  // namespace syd::cli
