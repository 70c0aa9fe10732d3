#include "src/tracee/socket_diag.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>

#include "src/base/strcat.h"
#include "src/tracee/decode.h"
#include "src/tracee/paths.h"

namespace syd::tracee {
namespace {

// TCP_BOUND_INACTIVE (include/net/tcp_states.h, not in the UAPI): with
// its bit in idiag_states, Linux 6.8 and later also dump TCP sockets that
// are bound and neither listening nor connected.
constexpr uint32_t kTcpBoundInactive = 13;
constexpr uint32_t kAllTcpStates = ~0U;
static_assert((kAllTcpStates & (1U << kTcpBoundInactive)) != 0);

// Bounds one answer: a dump's batches are a page or two each.
constexpr size_t kReceiveBuffer = 32768;

// A sock_diag socket in `pid`'s network namespace (a socket belongs to
// the namespace of the thread that made it, so a thread that has joined
// it makes one when syd's own is another), or -1 with errno set.
int DiagSocketIn(pid_t pid) {
  const std::string ns = StrCat("/proc/", pid, "/ns/net");
  struct stat theirs, ours;
  if (stat(ns.c_str(), &theirs) != 0) return -1;
  if (stat("/proc/thread-self/ns/net", &ours) != 0) return -1;
  auto make = [] {
    return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  };
  if (theirs.st_ino == ours.st_ino && theirs.st_dev == ours.st_dev)
    return make();
  int fd = -1;
  int error = 0;
  std::thread joiner([&] {
    const int nsfd = open(ns.c_str(), O_RDONLY | O_CLOEXEC);
    if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) != 0) {
      error = errno;
    } else if ((fd = make()) < 0) {
      error = errno;
    }
    if (nsfd >= 0) close(nsfd);
  });
  joiner.join();
  errno = error;
  return fd;
}

bool Send(int sock, const void* request, size_t size) {
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  ssize_t n;
  do {
    n = sendto(sock, request, size, 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof kernel);
  } while (n < 0 && errno == EINTR);
  return n == static_cast<ssize_t>(size);
}

// Reads answers until `take` says it has what it wants (true) or the
// kernel says it is done; whether `take` had it.
template <typename Take>
bool ReadAnswers(int sock, Take take) {
  alignas(nlmsghdr) char buf[kReceiveBuffer];
  for (;;) {
    ssize_t n;
    do {
      n = recv(sock, buf, sizeof buf, 0);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return false;
    // NLMSG_OK and NLMSG_NEXT's walk, written out: their length is an
    // int compared with the unsigned nlmsg_len, and the step past the last
    // message's padding must end the walk, not wrap it.
    size_t rest = static_cast<size_t>(n);
    for (const char* at = buf; rest >= sizeof(nlmsghdr);) {
      const auto* h = reinterpret_cast<const nlmsghdr*>(at);
      if (h->nlmsg_len < sizeof(nlmsghdr) || h->nlmsg_len > rest) break;
      if (h->nlmsg_type == NLMSG_DONE) return false;
      if (h->nlmsg_type == NLMSG_ERROR) {
        const auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
        errno = e->error < 0 ? -e->error : EPROTO;
        return false;
      }
      if (take(h)) return true;
      const size_t step = std::min<size_t>(NLMSG_ALIGN(h->nlmsg_len), rest);
      at += step;
      rest -= step;
    }
  }
}

std::optional<SocketAddress> FromStorage(const sockaddr_storage& ss,
                                         size_t len) {
  return DecodeSockaddr(reinterpret_cast<const uint8_t*>(&ss), len);
}

// A sock_diag request: the header, then the family's own request.
template <typename Request>
struct Ask {
  nlmsghdr header;
  Request request;
};
template <typename Request>
Ask<Request> MakeAsk(uint16_t flags) {
  Ask<Request> ask{};
  ask.header.nlmsg_len = sizeof ask;
  ask.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  ask.header.nlmsg_flags = NLM_F_REQUEST | flags;
  return ask;
}

// A TCP or UDP socket of `family`, by a dump of every one.
std::optional<SocketAddress> InetSocket(int sock, uint8_t family,
                                        uint8_t protocol, uint64_t inode) {
  auto ask = MakeAsk<inet_diag_req_v2>(NLM_F_DUMP);
  ask.request.sdiag_family = family;
  ask.request.sdiag_protocol = protocol;
  ask.request.idiag_states = kAllTcpStates;
  if (!Send(sock, &ask, sizeof ask)) return std::nullopt;
  std::optional<SocketAddress> found;
  ReadAnswers(sock, [&](const nlmsghdr* h) {
    if (h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) return false;
    const auto* m = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
    if (m->idiag_inode != inode) return false;
    sockaddr_storage ss{};
    size_t len = 0;
    if (m->idiag_family == AF_INET) {
      auto* in = reinterpret_cast<sockaddr_in*>(&ss);
      in->sin_family = AF_INET;
      in->sin_port = m->id.idiag_sport;
      std::memcpy(&in->sin_addr, m->id.idiag_src, 4);
      len = sizeof *in;
    } else {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
      in6->sin6_family = AF_INET6;
      in6->sin6_port = m->id.idiag_sport;
      std::memcpy(&in6->sin6_addr, m->id.idiag_src, 16);
      len = sizeof *in6;
    }
    found = FromStorage(ss, len);
    return true;
  });
  return found;
}

// A unix socket, looked up by its inode: the kernel lists every one,
// bound or not.
std::optional<SocketAddress> UnixSocket(int sock, uint64_t inode) {
  auto ask = MakeAsk<unix_diag_req>(0);
  ask.request.sdiag_family = AF_UNIX;
  ask.request.udiag_states = ~0U;
  ask.request.udiag_ino = static_cast<uint32_t>(inode);
  ask.request.udiag_show = UDIAG_SHOW_NAME;
  ask.request.udiag_cookie[0] = ask.request.udiag_cookie[1] =
      INET_DIAG_NOCOOKIE;
  if (inode > UINT32_MAX || !Send(sock, &ask, sizeof ask)) return std::nullopt;
  std::optional<SocketAddress> found;
  ReadAnswers(sock, [&](const nlmsghdr* h) {
    if (h->nlmsg_len < NLMSG_LENGTH(sizeof(unix_diag_msg))) return false;
    const auto* m = static_cast<const unix_diag_msg*>(NLMSG_DATA(h));
    if (m->udiag_ino != inode) return false;
    sockaddr_storage ss{};
    auto* un = reinterpret_cast<sockaddr_un*>(&ss);
    un->sun_family = AF_UNIX;
    size_t len = offsetof(sockaddr_un, sun_path);
    // Signed, as rtnetlink(3) has it: an attribute longer than what is
    // left ends the walk.
    int rest = static_cast<int>(h->nlmsg_len - NLMSG_LENGTH(sizeof *m));
    for (auto* a = reinterpret_cast<rtattr*>(const_cast<unix_diag_msg*>(m) + 1);
         RTA_OK(a, rest); a = RTA_NEXT(a, rest)) {
      if (a->rta_type != UNIX_DIAG_NAME) continue;
      const size_t n = std::min<size_t>(RTA_PAYLOAD(a), sizeof un->sun_path);
      std::memcpy(un->sun_path, RTA_DATA(a), n);
      len += n;
    }
    found = FromStorage(ss, len);
    return true;
  });
  return found;
}

}  // namespace

uint64_t SocketInode(pid_t pid, int fd) {
  const std::optional<std::string> link =
      ReadLink(StrCat("/proc/", pid, "/fd/", fd));
  constexpr std::string_view kPrefix = "socket:[";
  if (!link) {
    // Only a descriptor that is open has a link; a name too long for
    // one is no socket's.
    errno = errno == ENAMETOOLONG ? ENOTSOCK : EBADF;
    return 0;
  }
  if (link->compare(0, kPrefix.size(), kPrefix) != 0) {
    errno = ENOTSOCK;
    return 0;
  }
  return std::strtoull(link->c_str() + kPrefix.size(), nullptr, 10);
}

std::optional<SocketAddress> DiagnosedSocketName(pid_t pid, uint64_t inode) {
  const int sock = DiagSocketIn(pid);
  if (sock < 0) return std::nullopt;
  std::optional<SocketAddress> found = UnixSocket(sock, inode);
  for (const uint8_t family : {AF_INET, AF_INET6}) {
    for (const uint8_t protocol : {IPPROTO_TCP, IPPROTO_UDP}) {
      if (!found) found = InetSocket(sock, family, protocol, inode);
    }
  }
  close(sock);
  if (!found) errno = ENOENT;
  return found;
}

}  // namespace syd::tracee
