// The baseline: refusals every policy that runs a command gets, ahead of
// its own rules, because each one lets a program leave the sandbox or
// blind syd whatever the rules say. A policy reopens an item only by
// naming it (baseline/allow+NAME). Every item is decided by the kernel on
// registers: it costs no stop. docs/language.md, "The baseline", gives the
// reason for each and the programs that need it.
#ifndef SYD_POLICY_BASELINE_H_
#define SYD_POLICY_BASELINE_H_

#include <sys/types.h>

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "src/policy/rules.h"

namespace syd {

// Which runs an item is for.
enum class BaselineWhen {
  kAlways,
  kPtrace,         // syd traces the sandbox (the ptrace backend)
  kSydNameable,    // syd supervises, and the sandbox can name its pid
  kPrivateMounts,  // the sandbox has a mount namespace of syd's making
};

struct BaselineItem {
  std::string_view name;
  // Rules in the language, one per line. ${SYD_PID} is syd's pid.
  std::string_view rules;
  BaselineWhen when = BaselineWhen::kAlways;
  std::string_view reason;
};

// In the order the rules are tried (docs/language.md lists them so).
inline constexpr BaselineItem kBaseline[] = {
    {"io_uring",
     "sys/fault+io_uring_setup,io_uring_enter,io_uring_register:error=EPERM",
     BaselineWhen::kAlways,
     "its file and socket operations never pass through seccomp"},
    {"userfaultfd",
     "sys/fault+userfaultfd:error=EPERM\n"
     "sys/fault+ioctl:arg1=USERFAULTFD_IOC_NEW:error=EPERM",
     BaselineWhen::kAlways,
     "a page that never arrives stalls syd when it reads the sandbox's "
     "memory"},
    {"seccomp_listener",
     "sys/fault+seccomp:arg0=SECCOMP_SET_MODE_FILTER:"
     "arg1&SECCOMP_FILTER_FLAG_NEW_LISTENER:error=EBUSY",
     BaselineWhen::kAlways,
     "a listener made inside the sandbox answers the calls its filter "
     "stops before syd's tracer sees them"},
    {"clone3", "sys/fault+clone3:error=ENOSYS", BaselineWhen::kAlways,
     "its flags are in memory, where the filter cannot test them (glibc "
     "falls back to clone)"},
    {"clone_untraced", "sys/fault+clone:arg0&CLONE_UNTRACED:error=EPERM",
     BaselineWhen::kPtrace,
     "the child is not traced: its stopped calls are never judged and it "
     "outlives syd"},
    {"namespaces",
     "sys/fault+clone,unshare:arg0&CLONE_NEWNS|CLONE_NEWUSER:error=EPERM\n"
     "sys/fault+setns:arg1&CLONE_NEWNS|CLONE_NEWUSER:error=EPERM\n"
     "sys/fault+setns:arg1=0:error=EPERM",
     BaselineWhen::kAlways,
     "a mount namespace lets a program mount over the paths syd judges; a "
     "user namespace gives it the privileges to"},
    {"open_by_handle_at", "sys/fault+open_by_handle_at:error=EPERM",
     BaselineWhen::kAlways, "opens a file by its handle: no path to judge"},
    {"bpf", "sys/fault+bpf:error=EPERM", BaselineWhen::kAlways,
     "programs that run in the kernel and read any process's memory"},
    {"perf_event_open", "sys/fault+perf_event_open:error=EACCES",
     BaselineWhen::kAlways,
     "samples other processes, syd's included; a large attack surface"},
    {"kexec", "sys/fault+kexec_load,kexec_file_load:error=EPERM",
     BaselineWhen::kAlways, "replaces the running kernel"},
    {"kernel_modules",
     "sys/fault+init_module,finit_module,delete_module:error=EPERM",
     BaselineWhen::kAlways, "code in the kernel"},
    {"ioport", "sys/fault+iopl,ioperm:error=EPERM", BaselineWhen::kAlways,
     "raw access to hardware I/O ports"},
    {"fanotify_permission",
     "sys/fault+fanotify_init:arg0&FAN_CLASS_CONTENT|FAN_CLASS_PRE_CONTENT:"
     "error=EPERM",
     BaselineWhen::kAlways,
     "a permission event holds every open of a marked file, syd's too, "
     "until the sandbox answers"},
    {"mount_api",
     "sys/fault+fsopen,fspick,fsconfig,fsmount,move_mount,mount_setattr:"
     "error=ENOSYS\n"
     "sys/fault+open_tree:arg2&OPEN_TREE_CLONE:error=ENOSYS",
     BaselineWhen::kAlways,
     "mounts made through descriptors name no path the rules see (ENOSYS: "
     "libmount falls back to mount(2), which the rules judge)"},
    {"terminal_input",
     "sys/fault+ioctl:arg1=TIOCSTI:error=EIO\n"
     "sys/fault+ioctl:arg1=TIOCLINUX:error=EPERM",
     BaselineWhen::kAlways,
     "characters pushed into the terminal's input are read, after syd "
     "ends, by the shell that started it, and run outside the sandbox"},
    {"device_nodes",
     "sys/fault+mknod:arg1&S_IFCHR:arg1!&S_IFREG:error=EPERM\n"
     "sys/fault+mknodat:arg2&S_IFCHR:arg2!&S_IFREG:error=EPERM",
     BaselineWhen::kAlways,
     "a character or block device reaches disks and memory past every path "
     "rule"},
    {"host_settings",
     "sys/fault+settimeofday,clock_settime,clock_adjtime,adjtimex:"
     "error=EPERM\n"
     "sys/fault+sethostname,setdomainname:error=EPERM\n"
     "sys/fault+swapon,swapoff,acct,reboot:error=EPERM\n"
     "sys/fault+syslog:arg0=4:error=EPERM\n"
     "sys/fault+syslog:arg0=5:error=EPERM\n"
     "sys/fault+syslog:arg0=6:error=EPERM\n"
     "sys/fault+syslog:arg0=7:error=EPERM\n"
     "sys/fault+syslog:arg0=8:error=EPERM",
     BaselineWhen::kAlways,
     "the clock, the host's names, its swap, process accounting and the "
     "kernel log are the machine's: a root sandbox that sets them sets "
     "them for every process (no namespace of syd's holds them)"},
    {"syd_process",
     "sys/fault+prlimit64,sched_setscheduler,sched_setparam,sched_setattr,"
     "sched_setaffinity:arg0=${SYD_PID}:error=EPERM\n"
     "sys/fault+setpriority:arg0=PRIO_PROCESS:arg1=${SYD_PID}:error=EPERM\n"
     "sys/fault+ioprio_set:arg0=1:arg1=${SYD_PID}:error=EPERM",
     BaselineWhen::kSydNameable,
     "limits and scheduling aimed at syd (the Landlock scopes cover "
     "signals and ptrace, not these; in a pid namespace of syd's no pid "
     "names syd)"},
    {"mounts", "sys/fault+mount,umount2,pivot_root:error=EPERM",
     BaselineWhen::kPrivateMounts,
     "the sandbox's mount namespace is its own: syd does not see a mount "
     "made there, and would judge a path where it no longer leads"},
};

// What the baseline depends on in this run.
struct BaselineFor {
  bool ptrace = false;  // the backend is ptrace
  // syd supervises the command and the sandbox can name it; 0 when syd
  // does not, or runs the sandbox in a pid namespace of its own.
  pid_t syd_pid = 0;
  bool private_mounts = false;  // the sandbox's own mount namespace
};

// Whether `item` is for `run`.
bool AppliesTo(const BaselineItem& item, const BaselineFor& run);

// The item called `name`, or nullptr.
const BaselineItem* FindBaselineItem(std::string_view name);

// Whether `rules` reopens the item called `name` (baseline/allow+NAME).
bool Reopens(const RuleSet& rules, std::string_view name);

// The baseline's rules for `run`, without the items `rules` reopens, in
// front of `rules`' own. Fails only if an item does not resolve, which the
// unit test rules out.
absl::StatusOr<RuleSet> WithBaseline(RuleSet rules, const BaselineFor& run);

}  // namespace syd

#endif  // SYD_POLICY_BASELINE_H_
