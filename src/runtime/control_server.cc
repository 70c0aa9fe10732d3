#include "src/runtime/control_server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "src/base/strcat.h"
#include "src/base/thread_holding_signals.h"
#include "src/kernel/uapi.h"

namespace syd {
namespace {

// A command longer than this is not a rule anyone wrote by hand.
constexpr size_t kMaxCommand = size_t{64} * 1024;

void WriteAll(int fd, const std::string& s) {
  for (size_t done = 0; done < s.size();) {
    ssize_t n = send(fd, s.data() + done, s.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the client went away
    done += static_cast<size_t>(n);
  }
}

}  // namespace

socklen_t ControlAddress(const std::string& path, sockaddr_un* addr) {
  std::memset(addr, 0, sizeof *addr);
  if (path.empty() || path.size() >= sizeof addr->sun_path) return 0;
  addr->sun_family = AF_UNIX;
  const bool abstract = path[0] == '@';
  std::memcpy(addr->sun_path, path.data(), path.size());
  if (abstract) addr->sun_path[0] = '\0';
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() +
                                (abstract ? 0 : 1));
}

absl::Status ControlServer::Listen() {
  sockaddr_un addr;
  socklen_t len = ControlAddress(path_, &addr);
  if (len == 0) {
    return absl::InvalidArgumentError(
        StrCat("--control ", path_, ": a socket path is 1 to ",
               sizeof addr.sun_path - 1, " bytes"));
  }
  listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) {
    return absl::InternalError(StrCat("--control: socket: ", strerror(errno)));
  }
  struct stat st;
  if (path_[0] != '@') {
    absl::StatusOr<HeldName> held = HeldName::Open(path_);
    if (!held.ok()) {
      return absl::FailedPreconditionError(
          StrCat("--control ", path_, ": ", held.status().message()));
    }
    held_ = *std::move(held);
    // A socket left by an earlier syd is replaced; anything else is not.
    if (fstatat(held_->dir(), held_->name().c_str(), &st,
                AT_SYMLINK_NOFOLLOW) == 0) {
      if (!S_ISSOCK(st.st_mode)) {
        return absl::AlreadyExistsError(
            StrCat("--control ", path_, ": exists and is not a socket"));
      }
      unlinkat(held_->dir(), held_->name().c_str(), 0);
    }
  }
  // Only the owner may connect; SO_PEERCRED checks again for each client.
  // Bound by its path: nothing of the sandbox runs yet to move it.
  mode_t old = umask(0177);
  int rc = bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len);
  umask(old);
  if (rc != 0 || listen(listen_fd_, 16) != 0) {
    return absl::FailedPreconditionError(
        StrCat("--control ", path_, ": ", strerror(errno)));
  }
  if (held_ && fstatat(held_->dir(), held_->name().c_str(), &st,
                       AT_SYMLINK_NOFOLLOW) == 0) {
    socket_dev_ = st.st_dev;
    socket_ino_ = st.st_ino;
  }
  return absl::OkStatus();
}

absl::Status ControlServer::Start(Handler handler, Notice notice,
                                  InSandbox in_sandbox) {
  handler_ = std::move(handler);
  notice_ = std::move(notice);
  in_sandbox_ = std::move(in_sandbox);
  if (pipe2(wake_, O_CLOEXEC) != 0) {
    return absl::InternalError(
        StrCat("the control socket ", path_, ": pipe2: ", strerror(errno)));
  }
  try {
    thread_ = StartThreadHoldingSignals([this] { Serve(); });
  } catch (const std::system_error& e) {
    return absl::InternalError(StrCat("the control socket ", path_,
                                      ": cannot start its thread: ", e.what()));
  }
  return absl::OkStatus();
}

void ControlServer::Stop() {
  if (thread_.joinable()) {
    char c = 0;
    if (write(wake_[1], &c, 1) < 0) {
      // The thread is gone already.
    }
    thread_.join();
  }
  if (listen_fd_ >= 0) close(listen_fd_);
  listen_fd_ = -1;
  struct stat st;
  if (held_ &&
      fstatat(held_->dir(), held_->name().c_str(), &st, AT_SYMLINK_NOFOLLOW) ==
          0 &&
      S_ISSOCK(st.st_mode) && st.st_dev == socket_dev_ &&
      st.st_ino == socket_ino_) {
    unlinkat(held_->dir(), held_->name().c_str(), 0);
  }
  held_.reset();
  for (int& fd : wake_) {
    if (fd >= 0) close(fd);
    fd = -1;
  }
}

ControlServer::~ControlServer() { Stop(); }

void ControlServer::Serve() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents) return;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Answer(fd);
    close(fd);
  }
}

std::string ControlServer::Refusal(int fd) const {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
    return StrCat("a client syd cannot identify (", strerror(errno), ")");
  if (cred.uid != getuid()) {
    return StrCat("a client with uid ", cred.uid, " (pid ", cred.pid,
                  "): only uid ", getuid(), " may connect");
  }
  // The uid is the sandbox's too: what tells them apart is the process.
  // A pidfd of the peer (6.5) holds its pid: a peer that has gone by the
  // end of the check, its pid perhaps another's, is refused.
  int pidfd = -1;
  len = sizeof pidfd;
  if (getsockopt(fd, SOL_SOCKET, kernel::kSoPeerPidfd, &pidfd, &len) != 0)
    pidfd = -1;
  bool inside = in_sandbox_ && in_sandbox_(cred.pid);
  if (pidfd >= 0) {
    inside |= syscall(SYS_pidfd_send_signal, pidfd, 0, nullptr, 0) != 0;
    close(pidfd);
  }
  if (inside) {
    return StrCat("pid ", cred.pid,
                  ": a process of the sandbox (or one that has gone) may not "
                  "change its rules");
  }
  return "";
}

void ControlServer::Answer(int fd) {
  // A client that stalls must not hold the socket for everyone else.
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  // The command is read before any reply, even a refusal: closing with
  // unread data would reset the connection, and the client would see
  // ECONNRESET instead of the reason.
  std::string command;
  char buf[4096];
  bool whole = false;
  while (!whole && command.size() <= kMaxCommand) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    command.append(buf, static_cast<size_t>(n));
    size_t nl = command.find('\n');
    if (nl != std::string::npos) {
      command.resize(nl);
      whole = true;
    }
  }
  if (const std::string why = Refusal(fd); !why.empty()) {
    notice_(StrCat("control: refused ", why));
    WriteAll(fd, "error: permission denied\n");
    return;
  }
  if (!whole) {
    // Gone or stalled before the newline: the command is not applied.
    if (command.size() > kMaxCommand) WriteAll(fd, "error: command too long\n");
    return;
  }
  std::string reply;
  absl::Status s = handler_(command, &reply);
  if (s.ok()) {
    WriteAll(fd, "ok\n" + reply);
  } else if (absl::IsNotFound(s)) {
    WriteAll(fd, StrCat("no: ", s.message(), "\n"));
  } else {
    WriteAll(fd, StrCat("error: ", s.message(), "\n"));
  }
}

}  // namespace syd
