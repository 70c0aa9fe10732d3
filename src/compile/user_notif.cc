#include "src/compile/bpf.h"

namespace syd {

BpfProgram TraceToUserNotif(BpfProgram prog) {
  for (sock_filter& in : prog) {
    if (in.code == (BPF_RET | BPF_K) &&
        (in.k & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRACE) {
      in.k = SECCOMP_RET_USER_NOTIF;
    }
  }
  return prog;
}

}  // namespace syd
