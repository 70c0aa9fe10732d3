// The control socket (syd --control PATH): one command per connection, a
// line in, a reply out. Only the uid that started syd may talk to it, and
// no process of the sandbox.
#ifndef SYD_RUNTIME_CONTROL_SERVER_H_
#define SYD_RUNTIME_CONTROL_SERVER_H_

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "src/base/held_name.h"

namespace syd {

// Fills `addr` for the control socket `path` (a file name, or "@name" in
// the abstract namespace) and returns its length; 0 when `path` is empty or
// longer than a socket address holds. Server and client both use it.
socklen_t ControlAddress(const std::string& path, sockaddr_un* addr);

class ControlServer {
 public:
  // Runs a command; `*reply` is what the client reads after "ok".
  using Handler = std::function<absl::Status(const std::string& command,
                                             std::string* reply)>;

  // `path` is a file name, or "@name" for the abstract namespace.
  explicit ControlServer(std::string path) : path_(std::move(path)) {}
  ~ControlServer();

  // Binds and listens; an error names the path and the reason.
  absl::Status Listen();
  // Says what the server refused (a client of another uid, or of the
  // sandbox).
  using Notice = std::function<void(const std::string& message)>;
  // Whether process `pid` belongs to the sandbox: whatever the rules let
  // it reach, it never talks to the control socket.
  using InSandbox = std::function<bool(pid_t pid)>;

  // Serves connections on a thread of its own, which blocks every signal;
  // an error when the thread cannot start (then nothing listens).
  absl::Status Start(Handler handler, Notice notice, InSandbox in_sandbox);
  void Stop();

 private:
  void Serve();
  void Answer(int fd);

  std::string path_;
  // A socket file's directory, held from before the command starts, and
  // the socket made there: at the end syd removes that socket, not what a
  // sandbox that writes there put at its name or in the directory's place.
  std::optional<HeldName> held_;
  dev_t socket_dev_ = 0;
  ino_t socket_ino_ = 0;
  // Why the peer of connection `fd` may not talk, or "".
  std::string Refusal(int fd) const;

  Handler handler_;
  Notice notice_;
  InSandbox in_sandbox_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace syd

#endif  // SYD_RUNTIME_CONTROL_SERVER_H_
