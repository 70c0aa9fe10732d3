// Reads rule files and -m rules, in order, with includes expanded.
#ifndef SYD_LANG_LOADER_H_
#define SYD_LANG_LOADER_H_

#include <string>
#include <vector>

#include "src/lang/ast.h"
#include "src/lang/source.h"

namespace syd {

struct PolicyInput {
  enum class Kind { kFile, kRule };
  Kind kind;
  std::string value;  // a path, or the text of one rule
};

inline constexpr int kMaxIncludeDepth = 16;
inline constexpr size_t kMaxFileSize = 64u << 20;

// The statements of every input in order; `include FILE` is replaced by
// FILE's statements (FILE relative to the including file, or to the cwd for
// -m rules). Include cycles, unreadable files and syntax errors go to
// `diags`.
std::vector<Statement> LoadInputs(const std::vector<PolicyInput>& inputs,
                                  Diagnostics& diags);

// Reads a whole file; an error names the file and the reason.
bool ReadFile(const std::string& path, std::string* out, std::string* error);

}  // namespace syd

#endif  // SYD_LANG_LOADER_H_
