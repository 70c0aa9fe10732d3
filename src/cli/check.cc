// syd check [--print] POLICY...
#include <cstdio>

#include "src/cli/commands.h"
#include "src/cli/policy_args.h"
#include "src/cli/usage.h"
#include "src/policy/resolve.h"

namespace syd::cli {

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
  if (print && !diags.has_errors()) {
    for (const Rule& r : rules.rules) std::printf("%s\n", RuleText(r).c_str());
    std::printf("%s\n", DefaultText(rules.default_verdict).c_str());
  }
  std::fprintf(stderr, "%zu rule%s, %d error%s, %d warning%s\n",
               rules.rules.size(), rules.rules.size() == 1 ? "" : "s",
               diags.error_count(), diags.error_count() == 1 ? "" : "s",
               diags.warning_count(), diags.warning_count() == 1 ? "" : "s");
  return diags.has_errors() ? kExitErrors : kExitOk;
}

}  // namespace syd::cli
