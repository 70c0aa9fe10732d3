#include "src/policy/variables.h"

#include <cstdlib>

#include "src/base/strcat.h"

namespace syd {

std::optional<std::string> Variables::Lookup(const std::string& name) const {
  auto it = defines.find(name);
  if (it != defines.end()) return it->second;
  if (environment) {
    if (const char* v = std::getenv(name.c_str())) return std::string(v);
  }
  return std::nullopt;
}

std::optional<std::string> ExpandVariables(
    std::string_view text, const Variables& vars,
    const std::function<std::string(std::string_view)>& quote,
    std::string* error, size_t* error_offset) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i, 3) == "$${") {
      out += "${";
      i += 2;
      continue;
    }
    if (text.substr(i, 2) != "${") {
      out += text[i];
      continue;
    }
    size_t end = text.find('}', i + 2);
    std::string name(
        text.substr(i + 2, end == std::string_view::npos ? 0 : end - i - 2));
    bool valid = end != std::string_view::npos && !name.empty();
    for (char c : name)
      valid &= (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    if (!valid) {
      *error =
          "malformed variable: write ${NAME} (letters, digits, _), or $${ for "
          "a literal ${";
      *error_offset = i;
      return std::nullopt;
    }
    std::optional<std::string> value = vars.Lookup(name);
    if (!value) {
      *error = StrCat("${", name,
                      "} is not set: set it in the environment or with -D ",
                      name, "=VALUE");
      *error_offset = i;
      return std::nullopt;
    }
    if (value->empty()) {
      // "${IMAGE}/***" would be "/***": a build allowed to write anywhere.
      *error = StrCat("${", name, "} is set but empty, which would widen \"",
                      text, "\" to \"", std::string(text.substr(0, i)),
                      std::string(text.substr(end + 1)),
                      "\": give it a value, or leave this rule out");
      *error_offset = i;
      return std::nullopt;
    }
    out += quote(*value);
    i = end;
  }
  return out;
}

std::string QuoteGlob(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace syd
