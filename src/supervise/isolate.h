// The world isolate/ settings give the command, made in its child before
// it is confined (RunCommandChild), in a fixed order: namespaces, the
// mounts of a private root, pivot_root (or chroot), the working directory;
// then, after the resource limits, the privileges dropped: descriptors,
// groups, group, user, capabilities, environment. Landlock and the filter
// come after both, so the command can never mount (bwrap, podman or
// nspawn cannot run inside). docs/architecture.md, "Isolation".
#ifndef SYD_SUPERVISE_ISOLATE_H_
#define SYD_SUPERVISE_ISOLATE_H_

#include <initializer_list>

#include "absl/status/status.h"
#include "src/kernel/landlock.h"
#include "src/policy/isolation.h"

namespace syd::supervise {

// Without CAP_SYS_ADMIN: a user namespace of the command's own, where it
// has it, mapping syd's user and group to themselves. The command runs as
// the same user, with no capability once it execs (they are the
// namespace's creator's until then); syd performs for it as before.
// EnterIsolation makes it where it needs one; a pid namespace made by the
// child (PidNamespacePlan::by_child) needs it first.
absl::Status EnterOwnUserNamespace();

// Makes the namespaces `isolation` asks for and its private root. With
// `own_proc` (the child is in syd's pid namespace) the child always gets
// a mount namespace and a /proc of that namespace: at /proc over syd's, or
// in the private root, where syd reads it (OpenSandboxProc). An error names
// what could not be made; the child must then not run the command.
absl::Status EnterIsolation(const Isolation& isolation, bool own_proc);

// Drops what `isolation` takes away: every descriptor above 2 but those
// kept and syd's own `syd_fds` (close-on-exec: the command to execute,
// where to report, the listener's way to syd; -1 for none), the supplementary
// groups, the group and user, the capabilities not kept (from the bounding set
// too; kept ones stay across exec for another user as ambient ones), and the
// environment.
absl::Status DropPrivileges(const Isolation& isolation,
                            std::initializer_list<int> syd_fds);

// The Landlock rules the command enters, with a domain made sure of where
// it has a private root: a domain keeps the sandbox out of /proc/PID of
// every process outside it (ptrace's checks), whose root and cwd lead out
// of a private root. Where `rules` would make none (no file or network
// rule, an ABI without scopes), one right nothing grants is handled:
// making block devices; from ABI 2 only, as syd handles file rights (at
// ABI 1 a domain refuses every rename across directories). Below it, a
// private root gets no host /proc (EnterIsolation).
kernel::LandlockRuleset WithPrivateRootDomain(const Isolation& isolation,
                                              kernel::LandlockRuleset rules);

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_ISOLATE_H_
