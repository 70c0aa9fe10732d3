// The cost of one syscall: bare, under syd's filter alone, stopped in syd's
// tracer, and stopped in a minimal hand-written tracer that only reads the
// path. Prints ns per call and the ratios.
//
//   bazel build -c opt //bench:syscall_bench //src/cli:syd
//   bazel-bin/bench/syscall_bench bazel-bin/src/cli/syd [CALLS]
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

const char kPath[] = "/tmp/syd-bench-file";

// The workload: CALLS openat+close pairs; prints ns per openat.
int Workload(long calls) {
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < calls; ++i) {
    int fd = static_cast<int>(
        syscall(SYS_openat, AT_FDCWD, kPath, O_WRONLY | O_CREAT, 0644));
    if (fd >= 0) close(fd);
  }
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::steady_clock::now() - start)
                .count();
  std::printf("%.1f\n", static_cast<double>(ns) / calls);
  return 0;
}

double RunAndRead(const std::vector<std::string>& argv) {
  int out[2];
  if (pipe(out) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    std::vector<char*> args;
    for (const std::string& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  char buf[64] = {};
  ssize_t n = read(out[0], buf, sizeof buf - 1);
  close(out[0]);
  waitpid(pid, nullptr, 0);
  return n > 0 ? std::atof(buf) : -1;
}

// A minimal tracer: TRACE on openat, read the path with process_vm_readv,
// continue. What any ptrace sandbox must do at the least.
double MinimalTracer(const std::string& self, long calls) {
  int out[2];
  if (pipe(out) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
    raise(SIGSTOP);
    sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog prog{4, filter};
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
    std::string n = std::to_string(calls);
    execl(self.c_str(), self.c_str(), "--workload", n.c_str(), nullptr);
    _exit(127);
  }
  close(out[1]);
  int status;
  waitpid(pid, &status, 0);
  ptrace(PTRACE_SETOPTIONS, pid, nullptr,
         PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL);
  ptrace(PTRACE_CONT, pid, nullptr, nullptr);
  while (waitpid(pid, &status, 0) == pid && WIFSTOPPED(status)) {
    int sig = 0;
    if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
      user_regs_struct regs;
      ptrace(PTRACE_GETREGS, pid, nullptr, &regs);
      char path[4096];
      iovec local{path, sizeof path},
          remote{reinterpret_cast<void*>(regs.rsi), 256};
      process_vm_readv(pid, &local, 1, &remote, 1, 0);
    } else if (WSTOPSIG(status) != SIGTRAP) {
      sig = WSTOPSIG(status);
    }
    ptrace(PTRACE_CONT, pid, nullptr, sig);
  }
  char buf[64] = {};
  ssize_t n = read(out[0], buf, sizeof buf - 1);
  close(out[0]);
  return n > 0 ? std::atof(buf) : -1;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "--workload")
    return Workload(std::atol(argv[2]));
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PATH_TO_SYD [CALLS]\n", argv[0]);
    return 2;
  }
  char self[4096];
  ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  if (len <= 0) return 1;
  self[len] = '\0';
  std::string syd = argv[1];
  long calls = argc > 2 ? std::atol(argv[2]) : 20000;
  std::string n = std::to_string(calls);
  std::vector<double> bare, filtered, traced, minimal;
  for (int round = 0; round < 5; ++round) {  // interleaved rounds
    bare.push_back(RunAndRead({self, "--workload", n}));
    // A filter that tests openat's flags and lets it through.
    filtered.push_back(
        RunAndRead({syd, "-m", "sys/fault+openat:arg2&O_EXCL:error=EPERM", "--",
                    self, "--workload", n}));
    traced.push_back(
        RunAndRead({syd, "-m", "sys/trace+openat:allow:arg_=~\"^/tmp/\"", "--",
                    self, "--workload", n}));
    minimal.push_back(MinimalTracer(self, calls));
  }
  double b = Median(bare), f = Median(filtered), t = Median(traced),
         m = Median(minimal);
  std::printf("openat+close, %ld calls, median of 5 interleaved rounds\n",
              calls);
  std::printf("%-34s %10s %8s\n", "mode", "ns/call", "ratio");
  std::printf("%-34s %10.0f %8.2f\n", "bare", b, 1.0);
  std::printf("%-34s %10.0f %8.2f  (to bare)\n", "syd, seccomp only", f, f / b);
  std::printf("%-34s %10.0f %8.2f  (to bare)\n",
              "minimal tracer (TRACE + read path)", m, m / b);
  std::printf("%-34s %10.0f %8.2f  (to the minimal tracer)\n",
              "syd, traced (resolve + regex)", t, t / m);
  unlink(kPath);
  return 0;
}
