#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/supervise/outcome.h"

#include <doctest/doctest.h>
#include <errno.h>
#include <signal.h>

namespace syd::supervise {
namespace {

using K = Verdict::Kind;

TEST_CASE("each verdict's outcome") {
  const pid_t tid = 101, tgid = 100;
  Outcome o = OutcomeOf({K::kAllow, 0}, tid, tgid);
  CHECK(o.run);
  CHECK(o.signal == 0);
  CHECK(OutcomeOf({K::kLog, 0}, tid, tgid).run);
  o = OutcomeOf({K::kErrno, EACCES}, tid, tgid);
  CHECK(!o.run);
  CHECK(o.ret == -EACCES);
  o = OutcomeOf({K::kRetval, 42}, tid, tgid);
  CHECK(!o.run);
  CHECK(o.ret == 42);
  o = OutcomeOf({K::kKillProcess, 0}, tid, tgid);
  CHECK(!o.run);
  CHECK(o.signal == SIGKILL);
  CHECK(o.signal_to == tgid);
  CHECK(!o.signal_thread);
  o = OutcomeOf({K::kKillThread, SIGTERM}, tid, tgid);
  CHECK(o.signal == SIGTERM);
  CHECK(o.signal_thread);
  o = OutcomeOf({K::kTrap, 7}, tid, tgid);
  CHECK(o.ret == -ENOSYS);
  CHECK(o.signal == SIGSYS);
  CHECK(o.signal_thread);
  o = OutcomeOf({K::kDetachProcess, SIGUSR1}, tid, tgid);
  CHECK(o.run);
  CHECK(o.signal == SIGUSR1);
  CHECK(o.signal_to == tid);
}

TEST_CASE("a verdict no plugin resolved refuses: nothing runs unjudged") {
  const Outcome o = OutcomeOf({K::kPlugin, 0}, 1, 1);
  CHECK(!o.run);
  CHECK(o.ret == -EPERM);
}

}  // namespace
}  // namespace syd::supervise
