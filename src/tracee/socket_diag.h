// Where another process's socket is bound, asked of the kernel's socket
// tables (sock_diag) by the socket's inode: for when syd cannot copy the
// descriptor to ask getsockname (a container's seccomp profile refuses
// pidfd_getfd).
#ifndef SYD_TRACEE_SOCKET_DIAG_H_
#define SYD_TRACEE_SOCKET_DIAG_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>

#include "src/lang/net_pattern.h"

namespace syd::tracee {

// The local address of the socket with inode `inode`, in the network
// namespace of process `pid`: a TCP socket in any state (Linux 6.8 lists
// one bound but not listening), a UDP socket, or a unix socket (its path
// or abstract name; an unbound one has neither). Nothing, with errno set,
// where the tables do not list it: an unbound TCP or UDP socket, or a
// socket of another family, whose address only a copy could tell.
std::optional<SocketAddress> DiagnosedSocketName(pid_t pid, uint64_t inode);

// The inode of descriptor `fd` of `pid` when it is a socket ("socket:[N]"),
// else 0 with errno EBADF (not open) or ENOTSOCK (another file).
uint64_t SocketInode(pid_t pid, int fd);

}  // namespace syd::tracee

#endif  // SYD_TRACEE_SOCKET_DIAG_H_
