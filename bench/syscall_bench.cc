// The cost of one syscall: bare, under a minimal hand-written filter, under
// syd's filter alone, stopped in syd (ptrace and user notification), and
// stopped in minimal hand-written supervisors (a ptrace tracer, a
// user-notify listener) that only read the path.
// Three loops: openat(O_WRONLY|O_CREAT)+close, stat, getppid. Prints ns per
// iteration and the ratios.
//
//   bazel build -c opt //bench:syscall_bench //src/cli:syd
//   bazel-bin/bench/syscall_bench bazel-bin/src/cli/syd [CALLS]
// With --depths after CALLS: openat+close at 2 to 20 path components.
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
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

#include "src/base/descriptor_passing.h"

// Linux 6.6; Debian 12's headers are 6.1.
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

namespace {

const char kPath[] = "/tmp/syd-bench-file";
const char* const kLoops[] = {"openat", "stat", "getppid"};

// The workload: CALLS iterations of `loop`; prints ns per iteration. The
// file is $SYD_BENCH_PATH where set (the depth table's), else kPath.
int Workload(const std::string& loop, long calls) {
  const char* from_env = std::getenv("SYD_BENCH_PATH");
  const char* const path = from_env != nullptr ? from_env : kPath;
  // "fchmod": a change through a descriptor, which syd makes on its own
  // duplicate of it (not in the table; run it as a workload).
  const int held = loop == "fchmod" ? open(path, O_WRONLY | O_CREAT, 0644) : -1;
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < calls; ++i) {
    if (loop == "fchmod") {
      fchmod(held, 0644);
    } else if (loop == "openat") {
      int fd = static_cast<int>(
          syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT, 0644));
      if (fd >= 0) close(fd);
    } else if (loop == "stat") {
      struct stat st;
      syscall(SYS_newfstatat, AT_FDCWD, path, &st, 0);
    } else {
      syscall(SYS_getppid);
    }
  }
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::steady_clock::now() - start)
                .count();
  std::printf("%.1f\n", static_cast<double>(ns) / calls);
  return 0;
}

// The workload's figure from the pipe it printed to; closes the pipe.
double ReadResult(int fd) {
  char buf[64] = {};
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  return n > 0 ? std::atof(buf) : -1;
}

[[noreturn]] void ExecWorkload(const std::string& self, const std::string& loop,
                               long calls) {
  std::string n = std::to_string(calls);
  execl(self.c_str(), self.c_str(), "--workload", loop.c_str(), n.c_str(),
        nullptr);
  _exit(127);
}

// The minimal supervisors' filter: `stop` for openat and newfstatat, allow
// the rest. Returns what seccomp() returns (the listener, with
// SECCOMP_FILTER_FLAG_NEW_LISTENER).
int InstallStopFilter(uint32_t stop, unsigned flags) {
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 1, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_newfstatat, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, stop),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog prog{static_cast<unsigned short>(std::size(filter)), filter};
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  return static_cast<int>(
      syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog));
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
  const double result = ReadResult(out[0]);
  waitpid(pid, nullptr, 0);
  return result;
}

// The least filter that decides as syd's seccomp-only policy below: one
// flag test on openat and on newfstatat, nothing else named (so getppid is
// taken from the kernel's action cache, as under syd). No arch check,
// which a real filter needs: the floor, not a safe policy.
void InstallMinimalFilter() {
  constexpr uint32_t kArg2 =
      offsetof(seccomp_data, args) + 2 * sizeof(uint64_t);
  constexpr uint32_t kArg3 =
      offsetof(seccomp_data, args) + 3 * sizeof(uint64_t);
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 0, 2),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kArg2),
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, O_EXCL, 3, 4),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_newfstatat, 0, 3),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kArg3),
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, AT_STATX_DONT_SYNC, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog prog{static_cast<unsigned short>(std::size(filter)), filter};
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

// A minimal tracer: TRACE on openat, read the path with process_vm_readv,
// continue. What any ptrace sandbox must do at the least.
double MinimalTracer(const std::string& self, const std::string& loop,
                     long calls) {
  int out[2];
  if (pipe(out) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
    raise(SIGSTOP);
    InstallStopFilter(SECCOMP_RET_TRACE, 0);
    ExecWorkload(self, loop, calls);
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
  return ReadResult(out[0]);
}

// A minimal user-notify supervisor: USER_NOTIF on openat and newfstatat,
// read the path with process_vm_readv, answer "continue". The child
// passes its listener over a socketpair (sendmsg is not filtered here).
// `perform`: an openat is opened by the supervisor instead and handed
// over with SECCOMP_ADDFD_FLAG_SEND, as syd does: the floor of a
// performed open, which no supervisor that performs can go below.
double MinimalNotifier(const std::string& self, const std::string& loop,
                       long calls, bool perform = false) {
  int out[2], sock[2];
  if (pipe(out) != 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sock) != 0)
    return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    const int fd = InstallStopFilter(SECCOMP_RET_USER_NOTIF,
                                     SECCOMP_FILTER_FLAG_NEW_LISTENER);
    syd::SendDescriptor(sock[1], fd);
    close(fd);
    ExecWorkload(self, loop, calls);
  }
  close(out[1]);
  close(sock[1]);
  const int listener = syd::ReceiveDescriptor(sock[0]);
  close(sock[0]);
  // As syd does: hand the CPU straight between the thread and the
  // listener (Linux 6.6; older kernels refuse and wake as before).
  ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
        SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
  // Until the child exits (its pidfd turns readable).
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  for (;;) {
    pollfd p[2] = {{listener, POLLIN, 0}, {pidfd, POLLIN, 0}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (!(p[0].revents & POLLIN)) break;
    seccomp_notif req{};
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0) continue;
    char path[4096];
    iovec local{path, sizeof path},
        remote{reinterpret_cast<void*>(req.data.args[1]), 256};
    process_vm_readv(static_cast<pid_t>(req.pid), &local, 1, &remote, 1, 0);
    if (perform && req.data.nr == SYS_openat) {
      path[sizeof path - 1] = '\0';
      const int flags = static_cast<int>(req.data.args[2]);
      const int fd =
          open(path, flags | O_CLOEXEC, static_cast<mode_t>(req.data.args[3]));
      seccomp_notif_addfd add{};
      add.id = req.id;
      add.flags = SECCOMP_ADDFD_FLAG_SEND;
      add.srcfd = static_cast<uint32_t>(fd);
      add.newfd_flags = static_cast<uint32_t>(flags & O_CLOEXEC);
      if (fd >= 0) {
        ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
        close(fd);
        continue;
      }
    }
    seccomp_notif_resp resp{};
    resp.id = req.id;
    resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
  }
  close(pidfd);
  close(listener);
  waitpid(pid, nullptr, 0);
  return ReadResult(out[0]);
}

// The least disturbed round: on a shared VM, noise only ever adds time,
// and round-to-round noise (several percent) is larger than the filter's
// cost, so medians hide what is measured.
double Best(const std::vector<double>& v) {
  return *std::min_element(v.begin(), v.end());
}

// What a stop costs as the name gets deeper: openat+close of a file 2, 5,
// 10 and 20 components deep under /tmp, bare and stopped in syd (user
// notification: syd resolves the name, judges it and opens it).
int DepthTable(const std::string& self, const std::string& syd, long calls) {
  const std::string n = std::to_string(calls);
  std::printf("openat+close, ns per iteration, %ld iterations, best of 5\n",
              calls);
  std::printf("%-8s %12s %12s %12s\n", "depth", "bare", "syd", "x bare");
  // /tmp/syd-bench-depth/d/d/.../syd-bench-file: DEPTH components.
  const std::string top = "/tmp/syd-bench-depth";
  mkdir(top.c_str(), 0755);
  std::vector<std::string> made = {top};
  for (int want : {2, 5, 10, 20}) {
    std::string dir = want == 2 ? "/tmp" : top;
    for (int k = 3; k < want; ++k) {
      dir += "/d";
      if (mkdir(dir.c_str(), 0755) == 0) made.push_back(dir);
    }
    const std::string file = dir + "/syd-bench-file";
    setenv("SYD_BENCH_PATH", file.c_str(), 1);
    std::vector<double> bare, stopped;
    for (int round = 0; round < 5; ++round) {
      bare.push_back(RunAndRead({self, "--workload", "openat", n}));
      stopped.push_back(RunAndRead({syd, "--backend=user-notif", "-m",
                                    "sys/trace+openat:allow:arg_=~\"^/tmp/\"",
                                    "--", self, "--workload", "openat", n}));
    }
    unlink(file.c_str());
    std::printf("%-8d %12.0f %12.0f %11.3fx\n", want, Best(bare), Best(stopped),
                Best(stopped) / Best(bare));
  }
  for (auto it = made.rbegin(); it != made.rend(); ++it) rmdir(it->c_str());
  unsetenv("SYD_BENCH_PATH");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 4 && std::string(argv[1]) == "--workload")
    return Workload(argv[2], std::atol(argv[3]));
  if (argc >= 4 && std::string(argv[1]) == "--minimal-filter") {
    InstallMinimalFilter();
    return Workload(argv[2], std::atol(argv[3]));
  }
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
  if (argc > 3 && std::string(argv[3]) == "--depths")
    return DepthTable(self, syd, calls);
  std::string n = std::to_string(calls);
  // The file exists before the first round: every round opens the same.
  close(open(kPath, O_WRONLY | O_CREAT, 0644));
  constexpr int kRounds = 11;
  std::printf(
      "ns per iteration, %ld iterations, best of %d interleaved "
      "rounds\n",
      calls, kRounds);
  std::printf("%-36s %16s %16s %16s\n", "mode", "openat+close", "stat",
              "getppid");
  std::vector<double> b(3), mf(3), f(3), t(3), u(3), m(3), mn(3), mp(3);
  for (int l = 0; l < 3; ++l) {
    const std::string loop = kLoops[l];
    std::vector<double> bare, least, filtered, traced, notified, minimal,
        notifier, performer;
    for (int round = 0; round < kRounds; ++round) {
      bare.push_back(RunAndRead({self, "--workload", loop, n}));
      least.push_back(RunAndRead({self, "--minimal-filter", loop, n}));
      // The kernel decides: a rule tests openat's and stat's flags, and
      // lets them through; getppid is not named (the kernel's cache).
      filtered.push_back(RunAndRead(
          {syd, "-m", "sys/fault+openat:arg2&O_EXCL:error=EPERM", "-m",
           "sys/fault+newfstatat:arg3&AT_STATX_DONT_SYNC:error=EPERM", "--",
           self, "--workload", loop, n}));
      for (auto [backend, out] :
           {std::pair{"--backend=ptrace", &traced},
            std::pair{"--backend=user-notif", &notified}}) {
        out->push_back(
            RunAndRead({syd, backend, "-m",
                        "sys/trace+openat,newfstatat:allow:arg_=~\"^/tmp/\"",
                        "--", self, "--workload", loop, n}));
      }
      minimal.push_back(MinimalTracer(self, loop, calls));
      notifier.push_back(MinimalNotifier(self, loop, calls));
      performer.push_back(MinimalNotifier(self, loop, calls, true));
    }
    b[l] = Best(bare);
    mf[l] = Best(least);
    f[l] = Best(filtered);
    t[l] = Best(traced);
    u[l] = Best(notified);
    m[l] = Best(minimal);
    mn[l] = Best(notifier);
    mp[l] = Best(performer);
  }
  auto row = [&](const char* name, const std::vector<double>& v,
                 const std::vector<double>* against) {
    std::printf("%-36s", name);
    for (int l = 0; l < 3; ++l) {
      char cell[64];
      if (against) {
        std::snprintf(cell, sizeof cell, "%.0f (%.3fx)", v[l],
                      v[l] / (*against)[l]);
      } else {
        std::snprintf(cell, sizeof cell, "%.0f", v[l]);
      }
      std::printf(" %16s", cell);
    }
    std::printf("\n");
  };
  row("bare", b, nullptr);
  row("minimal filter (x bare)", mf, &b);
  row("syd, seccomp only (x bare)", f, &b);
  row("syd, seccomp only (x minimal filter)", f, &mf);
  row("minimal tracer (x bare)", m, &b);
  row("syd, ptrace (x minimal tracer)", t, &m);
  row("minimal notifier (x bare)", mn, &b);
  row("syd, user notification (x minimal)", u, &mn);
  // The openat column: a performed open against a continued one, in the
  // same minimal supervisor (the others are continued in both).
  row("minimal notifier, open performed", mp, &mn);
  row("syd, user notification (x that)", u, &mp);
  unlink(kPath);
  return 0;
}
