// syd ctl SOCKET COMMAND...: sends one command to `syd --control SOCKET`
// and prints the reply. Exit 0 for "ok", 1 for "no" (a query that does not
// hold) or an error, 2 for a usage error or no syd to talk to.
#include <errno.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "src/cli/commands.h"
#include "src/cli/usage.h"
#include "src/runtime/control_server.h"

namespace syd::cli {

int Ctl(const std::vector<std::string>& args) {
  if (args.size() < 2) {
    std::fprintf(
        stderr,
        "%sCOMMAND: list | ps | stats | dump | lock:on|off|exec |\n"
        "         sys/ACTION+SET... | sys/ACTION-SET... | sys/ACTION^[SET] |"
        " a rule ending in ? (a query)\n",
        UsageLine("ctl").c_str());
    return kExitUsage;
  }
  const std::string& path = args[0];
  std::string command;
  for (size_t i = 1; i < args.size(); ++i)
    command += (i > 1 ? " " : "") + args[i];
  if (command.find('\n') != std::string::npos) {
    std::fputs("syd ctl: one command, without a newline\n", stderr);
    return kExitUsage;
  }
  sockaddr_un addr;
  socklen_t len = ControlAddress(path, &addr);
  if (len == 0) {
    std::fprintf(stderr, "syd ctl: %s: not a socket path\n", path.c_str());
    return kExitUsage;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    std::fprintf(stderr, "syd ctl: %s: %s (is syd --control %s running?)\n",
                 path.c_str(), strerror(errno), path.c_str());
    return kExitUsage;
  }
  command += "\n";
  for (size_t done = 0; done < command.size();) {
    ssize_t n =
        send(fd, command.data() + done, command.size() - done, MSG_NOSIGNAL);
    if (n <= 0) {
      std::fprintf(stderr, "syd ctl: %s: %s\n", path.c_str(), strerror(errno));
      return kExitUsage;
    }
    done += static_cast<size_t>(n);
  }
  std::string reply;
  char buf[65536];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (reply.rfind("ok\n", 0) == 0) {
    std::fputs(reply.c_str() + 3, stdout);
    return kExitOk;
  }
  std::fprintf(stderr, "syd ctl: %s",
               reply.empty() ? "no reply\n" : reply.c_str());
  return kExitErrors;
}

}  // namespace syd::cli
