#include "src/lang/glob.h"

namespace syd {

std::string GlobToRegex(std::string_view glob) {
  std::string re = "^";
  size_t i = 0;
  while (i < glob.size()) {
    char c = glob[i];
    if (glob.substr(i) == "/***") {
      re += "(/.*)?";
      break;
    }
    if (c == '*') {
      size_t end = i;
      while (end < glob.size() && glob[end] == '*') ++end;
      re += end - i >= 2 ? ".*" : "[^/]*";
      i = end;
      continue;
    }
    if (c == '\\' && i + 1 < glob.size()) {  // \c: c itself
      ++i;
      if (std::string_view("\\.+()|{}^$*?[]").find(glob[i]) !=
          std::string_view::npos)
        re += '\\';
      re += glob[i];
    } else if (c == '?') {
      re += "[^/]";
    } else if (c == '[') {
      size_t j = i + 1;
      if (j < glob.size() && (glob[j] == '!' || glob[j] == '^')) ++j;
      if (j < glob.size() && glob[j] == ']') ++j;  // a leading ']' is a member
      while (j < glob.size() && glob[j] != ']') ++j;
      if (j >= glob.size()) {
        re += "\\[";  // no closing bracket: a literal '['
      } else {
        std::string_view body = glob.substr(i + 1, j - i - 1);
        re += '[';
        size_t k = 0;
        if (!body.empty() && (body[0] == '!' || body[0] == '^')) {
          re += '^';
          k = 1;
        }
        for (; k < body.size(); ++k) {
          if (body[k] == '\\' || body[k] == '[') re += '\\';
          re += body[k];
        }
        re += ']';
        i = j;
      }
    } else if (std::string_view("\\.+()|{}^$").find(c) !=
               std::string_view::npos) {
      re += '\\';
      re += c;
    } else {
      re += c;
    }
    ++i;
  }
  re += '$';
  return re;
}

}  // namespace syd

namespace syd {

bool Glob::Matches(std::string_view path) const {
  std::call_once(once_,
                 [this] { re_ = std::make_unique<RE2>(GlobToRegex(glob_)); });
  return RE2::FullMatch(re2::StringPiece(path.data(), path.size()), *re_);
}

}  // namespace syd
