// BOUND address patterns (sydbox's successful_bind): an address the
// sandbox itself has bound may be connected to, so that a test suite's
// own servers are reachable and nothing else is. syd records each socket
// whose bind it lets run, by inode; whether that bind succeeded, and
// where the socket is bound now (port 0 is known only afterwards), the
// kernel's own tables say at the moment a connect or send asks.
#ifndef SYD_SUPERVISE_BOUND_SOCKETS_H_
#define SYD_SUPERVISE_BOUND_SOCKETS_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "src/lang/net_pattern.h"
#include "src/tracee/descriptor_copies.h"

namespace syd::supervise {

class BoundSocketTable {
 public:
  // `copies`: how syd copies a caller's socket to ask its protocol.
  explicit BoundSocketTable(tracee::DescriptorCopies& copies)
      : copies_(copies) {}

  // Descriptor `fd` of thread `pid` is a socket whose bind to `to` (as
  // decoded: a unix path resolved) syd lets run.
  void Record(pid_t pid, int fd, const SocketAddress& to);
  // Whether a recorded socket of the calling socket's protocol (`fd` of
  // `pid`) is bound to `to` now, or to the wildcard address on its port
  // while `to` is a loopback address; in the caller's network namespace.
  // A unix socket is matched by the path syd resolved at its bind (the
  // kernel lists it as the caller wrote it), once the kernel lists it as
  // bound.
  // Never while a socket syd did not record takes what is sent to `to`
  // as well (a host's, joined with SO_REUSEPORT).
  // Once the tables have shown where a recorded socket is bound, that is
  // kept (a socket is bound once) and trusted while the process that bound
  // it still holds it at the same descriptor: a connect loop to the
  // sandbox's own server reads the tables once, not at every connect
  // (they grow with every closed connection: TIME_WAIT).
  bool Reaches(pid_t pid, int fd, const SocketAddress& to);

 private:
  struct Recorded {
    pid_t pid = 0;
    int fd = -1;
    std::string unix_path;  // a unix bind's path as resolved ("@name")
    // Where the tables showed it bound, with its protocol (IPPROTO_TCP,
    // IPPROTO_UDP, or 0 for unix), once they have.
    std::optional<SocketAddress> local;
    int protocol = 0;
    // The tables showed a socket syd did not record taking what is sent
    // to its address too (SO_REUSEPORT): never reached from the cache.
    bool shared = false;
  };
  // Whether the process that bound `r` still holds it.
  static bool StillHeld(uint64_t inode, const Recorded& r);

  tracee::DescriptorCopies& copies_;
  std::unordered_map<uint64_t, Recorded> sockets_;  // by inode
};

// One stopped call's question, for Call::bound.
class BoundQuery : public BoundSockets {
 public:
  BoundQuery(BoundSocketTable& table, pid_t pid, int fd)
      : table_(table), pid_(pid), fd_(fd) {}
  bool Reaches(const SocketAddress& to) const override {
    return table_.Reaches(pid_, fd_, to);
  }

 private:
  BoundSocketTable& table_;
  pid_t pid_;
  int fd_;
};

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_BOUND_SOCKETS_H_
