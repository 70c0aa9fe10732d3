// The supervisor's side of introspection: it collects the sandbox's state
// under its lock (src/runtime/introspection formats it), writes the dump,
// and runs the control socket's commands.
#include "src/runtime/introspection.h"

#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "src/base/strcat.h"
#include "src/base/whole_file.h"
#include "src/lang/loader.h"
#include "src/supervise/supervisor.h"
#include "src/tracee/procfs.h"

namespace syd::supervise {

SandboxView Supervisor::View() const {
  SandboxView view;
  view.syd_pid = getpid();
  view.command_pid = command_pid_;
  view.rules = &runtime_;
  view.processes = tracee::Processes(backend_->Tasks());
  view.stops = stops_;
  view.refused = refused_;
  view.counters = &counts_;
  return view;
}

std::string Supervisor::Dump() {
  std::lock_guard<std::mutex> lock(mu_);
  return DumpJson(View());
}

void Supervisor::WriteDump() {
  std::string text = Dump();
  if (!dump_to_) {
    if (write(STDERR_FILENO, text.data(), text.size()) < 0) {
      // Nowhere better to say it.
    }
    return;
  }
  // Whole or not at all: a reader never sees half a dump. Its mode is
  // syd's umask's, not that of the last call syd performed.
  performer_.PutOwnUmaskBack();
  if (!ReplaceWholeFile(*dump_to_, text, 0600)) {
    Message(StrCat("cannot write the dump to ", options_.dump, ": ",
                   strerror(errno)));
  }
}

absl::Status Supervisor::Control(const std::string& command,
                                 std::string* reply) {
  if (command == "dump") {
    *reply = Dump();
    return absl::OkStatus();
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (command == "list") {
    *reply = RuleList(runtime_);
    return absl::OkStatus();
  }
  if (command == "ps") {
    *reply = ProcessTable(tracee::Processes(backend_->Tasks()));
    return absl::OkStatus();
  }
  if (command == "stats") {
    *reply = CounterText(View());
    return absl::OkStatus();
  }
  absl::Status s = runtime_.Execute(command, "control", /*readonly=*/false);
  if (s.ok() && command.back() != '?') {
    Message(StrCat("the control socket changed the rules: ", command));
  }
  return s;
}

}  // namespace syd::supervise
