// syd check [--print] POLICY...
#include <cstdio>
#include <string>

#include "absl/strings/str_replace.h"
#include "src/base/strcat.h"
#include "src/cli/commands.h"
#include "src/cli/policy_args.h"
#include "src/cli/usage.h"
#include "src/compile/landlock_layer.h"
#include "src/kernel/landlock.h"
#include "src/policy/baseline.h"
#include "src/policy/resolve.h"

namespace syd::cli {
namespace {

// The Landlock layer the policy gets, and each rule that leaves a right
// to syd alone (docs/architecture.md, "Kernel layers").
void PrintLandlock(const Policy& policy) {
  const LandlockLayer layer =
      DeriveLandlockLayer(policy, RuntimeChanges(policy, ""));
  for (const Diagnostic& d : layer.notes) {
    if (d.location.file) {
      std::fputs(FormatDiagnostic(d).c_str(), stderr);
    } else {
      std::fprintf(stderr, "landlock: note: %s\n", d.message.c_str());
    }
  }
  const kernel::LandlockRuleset& r = layer.ruleset;
  std::string what;
  if (r.handled_fs != 0) {
    what = StrCat(kernel::FsRightNames(r.handled_fs), " only beneath ",
                  r.paths.size(), " path", r.paths.size() == 1 ? "" : "s");
  }
  if (r.handled_net != 0) {
    const size_t ports = r.PortCount();
    if (!what.empty()) what += "; ";
    what += StrCat(kernel::NetRightNames(r.handled_net),
                   ports == 0 ? std::string(" on no port")
                              : StrCat(" only on ", ports, " port",
                                       ports == 1 ? "" : "s"));
  }
  std::fprintf(stderr, "landlock: %s; %s\n",
               what.empty() ? "no file or network right handled" : what.c_str(),
               layer.exact()
                   ? "the policy is fully expressible"
                   : StrCat("not fully expressible (", layer.notes.size(),
                            " note", layer.notes.size() == 1 ? "" : "s", ")")
                         .c_str());
}

std::string_view WhenSaid(BaselineWhen when) {
  switch (when) {
    case BaselineWhen::kAlways:
      return "";
    case BaselineWhen::kPtrace:
      return " (ptrace backend only)";
    case BaselineWhen::kSydNameable:
      return " (when syd supervises, without a pid namespace)";
    case BaselineWhen::kPrivateMounts:
      return " (in a pid namespace of syd's)";
  }
  return "";
}

// The baseline as comments, item by item, ahead of the rules it precedes:
// a printed policy read back gets the baseline again, not twice.
void PrintBaseline(const RuleSet& rules) {
  for (const BaselineItem& item : kBaseline) {
    const bool reopened = Reopens(rules, item.name);
    std::string text =
        StrCat("# baseline/", item.name, reopened ? " (reopened)" : "",
               WhenSaid(item.when), ": ", item.reason, "\n");
    StrAppend(&text, "#   ",
              absl::StrReplaceAll(std::string(item.rules), {{"\n", "\n#   "}}),
              "\n");
    std::fputs(text.c_str(), stdout);
  }
  for (const ReopenedItem& r : rules.reopened)
    std::printf("baseline/allow+%s\n", r.item.c_str());
}

}  // namespace

int Check(const std::vector<std::string>& args) {
  PolicyArgs pa = ParsePolicyArgs(args, /*bare_files=*/true);
  bool print = false;
  for (const std::string& a : pa.rest) {
    if (a == "--print") {
      print = true;
    } else if (a == "-h" || a == "--help") {
      std::printf(
          "%sPOLICY is FILE, -c FILE, -m RULE or -p PROFILE. Parses, resolves "
          "and lints;\n"
          "errors and warnings go to stderr as file:line:col: ...; --print "
          "writes the\n"
          "resolved rules to stdout, one per line with syscall sets expanded "
          "and\n"
          "identifiers folded. Exit status: 0 no errors, 1 errors, 2 usage.\n",
          UsageLine("check").c_str());
      return kExitOk;
    } else if (pa.error.empty()) {
      pa.error = "unknown option '" + a + "' (see syd check --help)";
    }
  }
  if (!pa.error.empty() || pa.inputs.empty()) {
    std::fprintf(stderr, "syd check: %s\n%s",
                 pa.error.empty() ? "no policy given" : pa.error.c_str(),
                 UsageLine("check").c_str());
    return kExitUsage;
  }
  Diagnostics diags;
  RuleSet rules = Resolve(LoadInputs(pa.inputs, diags), diags, pa.variables);
  if (!diags.has_errors()) Lint(rules, diags);
  for (const Diagnostic& d : diags.all())
    std::fputs(FormatDiagnostic(d).c_str(), stderr);
  absl::StatusOr<RuleSet> with_baseline = WithBaseline(rules, BaselineFor{});
  if (!with_baseline.ok()) {
    std::fprintf(stderr, "syd check: %s\n",
                 std::string(with_baseline.status().message()).c_str());
    return kExitErrors;
  }
  if (!diags.has_errors()) PrintLandlock(Policy(*with_baseline));
  if (print && !diags.has_errors()) {
    PrintBaseline(rules);
    for (const Rule& r : rules.rules) std::printf("%s\n", RuleText(r).c_str());
    for (const Rule& r : rules.envelope)
      std::printf("%s\n", EnvelopeText(r).c_str());
    std::printf("%s\n", DefaultText(rules.default_verdict).c_str());
    for (size_t i = 0; i < std::size(kLimits); ++i) {
      if (const std::optional<uint64_t>& v = rules.limits.Get(i))
        std::printf("%s\n", LimitText(i, *v).c_str());
    }
    for (const std::string& st : rules.isolation.Statements())
      std::printf("%s\n", st.c_str());
  }
  std::fprintf(stderr, "%zu rule%s, %d error%s, %d warning%s\n",
               rules.rules.size(), rules.rules.size() == 1 ? "" : "s",
               diags.error_count(), diags.error_count() == 1 ? "" : "s",
               diags.warning_count(), diags.warning_count() == 1 ? "" : "s");
  return diags.has_errors() ? kExitErrors : kExitOk;
}

}  // namespace syd::cli
