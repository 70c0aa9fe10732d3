// What `syd -- COMMAND` and `syd learn` share in setting up a run that
// syd supervises: the backend and the pid namespace, and the baseline
// that follows from them.
#ifndef SYD_CLI_RUN_SETUP_H_
#define SYD_CLI_RUN_SETUP_H_

#include <optional>
#include <string>

#include "src/policy/baseline.h"
#include "src/policy/policy.h"
#include "src/supervise/supervisor.h"

namespace syd::cli {

// Takes --backend=auto|ptrace|user-notif into `options`; false for
// another argument. A --backend with another value sets `error`.
bool TakeBackendFlag(const std::string& arg, supervise::Options* options,
                     std::string* error);

// Chooses the backend for `without_baseline` (the policy as given) and
// plans the pid namespace, into `options`, saying on stderr (after `who`)
// why the run falls back to ptrace; the baseline such a run gets.
// Nothing, with the reason on stderr, when the backend asked for cannot
// serve the run.
std::optional<BaselineFor> PlanSupervisedRun(const Policy& without_baseline,
                                             supervise::Options* options,
                                             const char* who);

}  // namespace syd::cli

#endif  // SYD_CLI_RUN_SETUP_H_
