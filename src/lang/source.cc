#include "src/lang/source.h"

#include "src/base/strcat.h"

namespace syd {

SourceFile::SourceFile(std::string name, std::string text)
    : name_(std::move(name)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n' && i + 1 < text_.size()) line_starts_.push_back(i + 1);
  }
}

std::string_view SourceFile::Line(int line) const {
  if (line < 1 || line > line_count()) return {};
  size_t begin = line_starts_[line - 1];
  size_t end = text_.find('\n', begin);
  if (end == std::string::npos) end = text_.size();
  return std::string_view(text_).substr(begin, end - begin);
}

std::string Location::ToString(bool with_column) const {
  std::string name = file ? file->name() : "<unknown>";
  if (line == 0) return name;
  if (!with_column || column == 0) return StrCat(name, ":", line);
  return StrCat(name, ":", line, ":", column);
}

void Diagnostics::Error(const Location& loc, std::string message) {
  all_.push_back({Severity::kError, loc, std::move(message)});
  ++errors_;
}

void Diagnostics::Warning(const Location& loc, std::string message) {
  all_.push_back({Severity::kWarning, loc, std::move(message)});
  ++warnings_;
}

void Diagnostics::Note(const Location& loc, std::string message) {
  all_.push_back({Severity::kNote, loc, std::move(message)});
}

std::string FormatDiagnostic(const Diagnostic& d) {
  std::string_view kind = d.severity == Severity::kError     ? "error"
                          : d.severity == Severity::kWarning ? "warning"
                                                             : "note";
  std::string out =
      StrCat(d.location.ToString(), ": ", kind, ": ", d.message, "\n");
  if (!d.location.file || d.location.line == 0) return out;
  std::string_view line = d.location.file->Line(d.location.line);
  // A 1 MiB line helps nobody: show at most 200 bytes around the column.
  size_t col = d.location.column > 0 ? d.location.column - 1 : 0;
  size_t begin = col > 100 ? col - 100 : 0;
  std::string_view shown = line.substr(begin, 200);
  std::string text(shown);
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') c = '?';
  }
  StrAppend(&out, "  ", begin > 0 ? "..." : "", text, "\n");
  if (d.location.column > 0) {
    std::string caret = begin > 0 ? "   " : "";
    for (size_t i = begin; i < col && i < line.size(); ++i) {
      caret += line[i] == '\t' ? '\t' : ' ';
    }
    StrAppend(&out, "  ", caret, "^\n");
  }
  return out;
}

}  // namespace syd
