// A program on a terminal of its own, as a user runs it: the end-to-end
// tests of job control (Ctrl-Z, fg) and of a terminal that goes away.
#ifndef SYD_TESTING_PTY_H_
#define SYD_TESTING_PTY_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace syd::testing {

class Pty {
 public:
  // Runs argv[0] (a path) as a session leader whose controlling terminal
  // is a new pty; `extra_env` ("K=V") is added to the inherited one.
  explicit Pty(const std::vector<std::string>& argv,
               const std::vector<std::string>& extra_env = {});
  ~Pty();  // kills what is left of the session
  Pty(const Pty&) = delete;
  Pty& operator=(const Pty&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // Types `text` (a "\x1a" is Ctrl-Z).
  void Type(const std::string& text);
  // Reads until the output so far contains `part`, at most `seconds`;
  // whether it did. Output is kept: a later call sees it too.
  bool WaitFor(const std::string& part, int seconds = 20);
  const std::string& output() const { return output_; }
  // Closes the terminal's master side: the session's terminal hangs up.
  void HangUp();
  // Waits at most `seconds` for the session leader; its wait status, or
  // -1 when it is still running.
  int Wait(int seconds = 20);

 private:
  int master_ = -1;
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string output_;
};

}  // namespace syd::testing

#endif  // SYD_TESTING_PTY_H_
