#include "src/supervise/backend.h"

#include <unistd.h>

namespace syd::supervise {

bool Backend::GroupStopped() const {
  const pid_t group = getpgrp();
  bool any = false;
  for (pid_t pid : Processes()) {
    if (getpgid(pid) != group) continue;
    if (!InGroupStop(pid)) return false;
    any = true;
  }
  return any;
}

}  // namespace syd::supervise
