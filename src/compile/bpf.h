// Classic BPF for seccomp: the compiled policy, an interpreter for it, and
// tools to look inside.
#ifndef SYD_COMPILE_BPF_H_
#define SYD_COMPILE_BPF_H_

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "src/policy/policy.h"

namespace syd {

using BpfProgram = std::vector<sock_filter>;

// The kernel refuses longer programs (BPF_MAXINSNS).
inline constexpr size_t kMaxBpfInstructions = 4096;

// Lowers `policy` to a seccomp filter that returns, for every call, what
// Evaluate(policy, call) returns in the kernel's view: the verdict of the
// first matching rule, or SECCOMP_RET_TRACE with the chain position where
// the tracer resumes. i386 and x32 calls are killed. Fails when the program
// would pass the kernel's limit, with the count.
absl::StatusOr<BpfProgram> CompileBpf(const Policy& policy);

// `prog` with every SECCOMP_RET_TRACE return made SECCOMP_RET_USER_NOTIF:
// the same decisions, handed to a listener fd instead of a ptrace tracer.
// The chain position in the return data is lost; the listener evaluates
// from the top of the chain, which decides the same.
BpfProgram TraceToUserNotif(BpfProgram prog);

// The seccomp return value for a kernel decision (Evaluate's, no data).
uint32_t SeccompReturn(const Decision& d);

// Runs `prog` as the kernel would on `data`; programs that could not load
// (bad jumps, unknown opcodes, no return) give an error.
absl::StatusOr<uint32_t> RunBpf(const BpfProgram& prog,
                                const seccomp_data& data);

struct BpfStats {
  size_t instructions = 0;
  size_t worst_path = 0;  // instructions executed on the longest path
  size_t syscalls = 0;    // syscalls the program names
};
BpfStats AnalyzeBpf(const BpfProgram& prog, size_t syscalls);

// One instruction per line, with jump targets resolved.
std::string DisassembleBpf(const BpfProgram& prog);
// Human-readable text for a seccomp return value ("ERRNO(EPERM)").
std::string SeccompReturnText(uint32_t ret);

}  // namespace syd

#endif  // SYD_COMPILE_BPF_H_
