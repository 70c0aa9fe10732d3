// Source text, positions in it, and diagnostics that point at them.
#ifndef SYD_LANG_SOURCE_H_
#define SYD_LANG_SOURCE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace syd {

// One rule file (or one -m argument), kept whole so that diagnostics can
// quote the offending line.
class SourceFile {
 public:
  SourceFile(std::string name, std::string text);

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  int line_count() const { return static_cast<int>(line_starts_.size()); }
  // Line `line` (1-based) without its newline.
  std::string_view Line(int line) const;

 private:
  std::string name_;
  std::string text_;
  std::vector<size_t> line_starts_;
};

struct Location {
  std::shared_ptr<const SourceFile> file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based, in bytes

  // "file:line:col", or "file:line" when `with_column` is false.
  std::string ToString(bool with_column = true) const;
};

enum class Severity { kError, kWarning, kNote };

struct Diagnostic {
  Severity severity;
  Location location;
  std::string message;
};

// Collects diagnostics in the order they are found.
class Diagnostics {
 public:
  void Error(const Location& loc, std::string message);
  void Warning(const Location& loc, std::string message);
  void Note(const Location& loc, std::string message);

  const std::vector<Diagnostic>& all() const { return all_; }
  int error_count() const { return errors_; }
  int warning_count() const { return warnings_; }
  bool has_errors() const { return errors_ > 0; }

 private:
  std::vector<Diagnostic> all_;
  int errors_ = 0;
  int warnings_ = 0;
};

// "file:line:col: error: message", then the source line and a caret under
// the column. Tabs before the column are kept so the caret lines up.
std::string FormatDiagnostic(const Diagnostic& d);

}  // namespace syd

#endif  // SYD_LANG_SOURCE_H_
