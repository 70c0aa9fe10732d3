// libFuzzer target for the front end: any bytes through parse, resolve,
// lint and print. It checks that nothing crashes and that the canonical text
// of whatever parsed parses back to the same tree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "src/lang/parser.h"
#include "src/lang/printer.h"
#include "src/policy/resolve.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  syd::Diagnostics diags;
  syd::ParsedFile parsed =
      syd::Parse(std::make_shared<syd::SourceFile>("fuzz", text), diags);
  for (const syd::Diagnostic& d : diags.all()) (void)syd::FormatDiagnostic(d);
  // Includes would read files: leave them out of the resolve step.
  std::vector<syd::Statement> statements;
  for (const syd::Statement& st : parsed.statements) {
    if (!std::holds_alternative<syd::IncludeStmt>(st)) statements.push_back(st);
  }
  syd::RuleSet rules = syd::Resolve(statements, diags);
  syd::Lint(rules, diags);
  for (const syd::Rule& r : rules.rules) (void)syd::RuleText(r);

  std::string printed = syd::PrintFile(parsed);
  syd::Diagnostics again;
  syd::ParsedFile back =
      syd::Parse(std::make_shared<syd::SourceFile>("printed", printed), again);
  if (again.has_errors() || !(back.statements == parsed.statements))
    std::abort();
  return 0;
}
