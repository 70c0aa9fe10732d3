// The policy options every subcommand shares: -c FILE, -m RULE, -p PROFILE,
// in command-line order, and loading them into a Policy.
#ifndef SYD_CLI_POLICY_ARGS_H_
#define SYD_CLI_POLICY_ARGS_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "src/compile/bpf.h"
#include "src/lang/loader.h"
#include "src/policy/baseline.h"
#include "src/policy/policy.h"
#include "src/policy/variables.h"

namespace syd::cli {

struct PolicyArgs {
  std::vector<PolicyInput> inputs;
  Variables variables;               // -D NAME=VALUE
  std::vector<std::string> rest;     // other arguments before "--"
  std::vector<std::string> command;  // everything after "--"
  std::string error;                 // a usage error, or ""
};

// Takes -c FILE, -m RULE, -p NAME, -D NAME=VALUE (also -cFILE), --limit
// NAME=VALUE (the statement limit/NAME=VALUE), --SETTING VALUE for each
// isolate/ setting (the statement isolate/SETTING=VALUE: --bind-ro /usr),
// and bare FILE arguments when `bare_files` is set. Stops at "--": what
// follows is `command`.
PolicyArgs ParsePolicyArgs(const std::vector<std::string>& args,
                           bool bare_files);

// Where -p NAME looks, in order: $SYD_PROFILE_PATH (colon-separated), then
// PREFIX/share/syd/profiles beside the installed binary.
std::vector<std::string> ProfileDirs();
// Every profile found there, by name; the first directory wins.
std::map<std::string, std::string> ProfilesByName();
std::optional<std::string> FindProfile(const std::string& name);

struct Compiled {
  Policy policy;
  BpfProgram filter;
};

// Loads and resolves the policy. Diagnostics go to stderr, with a count
// of errors prefixed by `who` ("syd compile"); nothing when there were
// errors.
std::optional<RuleSet> LoadRules(const PolicyArgs& args, const char* who);

// `rules` with the baseline for `run` in front, changed by `adjust` if
// given (syd learn's RefuseInSyd), lowered to BPF; an error goes to
// stderr prefixed by `who`, and nothing is returned.
std::optional<Compiled> Compile(
    RuleSet rules, const BaselineFor& run, const char* who,
    const std::function<void(RuleSet*)>& adjust = nullptr);

// LoadRules, then Compile with the baseline a run under user notification
// gets (without the items aimed at syd's pid, which only a run knows):
// what syd compile and syd explain show.
std::optional<Compiled> LoadAndCompile(const PolicyArgs& args, const char* who);

}  // namespace syd::cli

#endif  // SYD_CLI_POLICY_ARGS_H_
