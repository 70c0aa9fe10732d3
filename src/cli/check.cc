// syd check [--print] [-m RULE]... FILE...
#include <cstdio>

#include "src/cli/commands.h"
#include "syd/loader.h"
#include "syd/resolve.h"

namespace syd::cli {

int Check(const std::vector<std::string>& args) {
  bool print = false;
  std::vector<PolicyInput> inputs;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--print") {
      print = true;
    } else if (a == "-m" && i + 1 < args.size()) {
      inputs.push_back({PolicyInput::Kind::kRule, args[++i]});
    } else if (a == "-h" || a == "--help") {
      std::printf(
          "usage: syd check [--print] [-m RULE]... FILE...\n"
          "Parses, resolves and lints rule files. Errors and warnings go to stderr as\n"
          "file:line:col: ...; --print writes the resolved rules to stdout, one per\n"
          "line with syscall sets expanded and identifiers folded.\n"
          "Exit status: 0 no errors, 1 errors, 2 usage.\n");
      return kExitOk;
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "syd check: unknown option '%s' (see syd check --help)\n", a.c_str());
      return kExitUsage;
    } else {
      inputs.push_back({PolicyInput::Kind::kFile, a});
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: syd check [--print] [-m RULE]... FILE...\n");
    return kExitUsage;
  }
  Diagnostics diags;
  std::vector<Statement> statements = LoadInputs(inputs, diags);
  RuleSet rules = Resolve(statements, diags);
  if (!diags.has_errors()) Lint(rules, diags);
  for (const Diagnostic& d : diags.all()) {
    std::fputs(FormatDiagnostic(d).c_str(), stderr);
  }
  if (print && !diags.has_errors()) {
    for (const Rule& r : rules.rules) std::printf("%s\n", RuleText(r).c_str());
    std::printf("default/%s\n", VerdictText(rules.default_verdict.verdict).c_str());
  }
  std::fprintf(stderr, "%zu rule%s, %d error%s, %d warning%s\n", rules.rules.size(),
               rules.rules.size() == 1 ? "" : "s", diags.error_count(),
               diags.error_count() == 1 ? "" : "s", diags.warning_count(),
               diags.warning_count() == 1 ? "" : "s");
  return diags.has_errors() ? kExitErrors : kExitOk;
}

}  // namespace syd::cli
