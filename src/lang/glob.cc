#include "src/lang/glob.h"

#include <bitset>
#include <cstdio>

namespace syd {
namespace {

using ByteSet = std::bitset<256>;

// POSIX classes in the C locale: ASCII only, whatever the locale says.
std::optional<ByteSet> NamedClass(std::string_view name) {
  auto set_of = [](auto pred) {
    ByteSet s;
    for (int c = 0; c < 256; ++c) s[c] = pred(c);
    return s;
  };
  auto upper = [](int c) { return c >= 'A' && c <= 'Z'; };
  auto lower = [](int c) { return c >= 'a' && c <= 'z'; };
  auto digit = [](int c) { return c >= '0' && c <= '9'; };
  auto alpha = [&](int c) { return upper(c) || lower(c); };
  auto alnum = [&](int c) { return alpha(c) || digit(c); };
  auto graph = [](int c) { return c >= 0x21 && c <= 0x7e; };
  if (name == "alnum") return set_of(alnum);
  if (name == "alpha") return set_of(alpha);
  if (name == "blank")
    return set_of([](int c) { return c == ' ' || c == '\t'; });
  if (name == "cntrl")
    return set_of([](int c) { return c < 0x20 || c == 0x7f; });
  if (name == "digit") return set_of(digit);
  if (name == "graph") return set_of(graph);
  if (name == "lower") return set_of(lower);
  if (name == "print")
    return set_of([](int c) { return c >= 0x20 && c <= 0x7e; });
  if (name == "punct")
    return set_of([&](int c) { return graph(c) && !alnum(c); });
  if (name == "space")
    return set_of([](int c) { return c == ' ' || (c >= '\t' && c <= '\r'); });
  if (name == "upper") return set_of(upper);
  if (name == "xdigit") {
    return set_of([&](int c) {
      return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
  }
  return std::nullopt;
}

std::string Byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  return buf;
}

// One byte as itself in a pattern.
std::string Literal(unsigned char c) {
  const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                     (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-';
  return plain ? std::string(1, static_cast<char>(c)) : Byte(c);
}

// A class of the bytes in `set`; one that matches nothing when it is empty.
std::string ClassOf(const ByteSet& set) {
  if (set.none()) return "[^\\x00-\\xff]";
  std::string out = "[";
  for (int c = 0; c < 256;) {
    if (!set[c]) {
      ++c;
      continue;
    }
    int end = c;
    while (end + 1 < 256 && set[end + 1]) ++end;
    out += Byte(static_cast<unsigned char>(c));
    if (end > c) out += "-" + Byte(static_cast<unsigned char>(end));
    c = end + 1;
  }
  return out + "]";
}

struct Error {
  std::string message;
  size_t offset;
};

// The bracket expression that starts at g[start] == '[', parsed as rsync's
// wildmatch does. Sets `*end` to its closing ']'.
std::optional<ByteSet> Bracket(std::string_view g, size_t start, size_t* end,
                               Error* error) {
  const size_t n = g.size();
  auto at = [&](size_t i) -> int {
    return i < n ? static_cast<unsigned char>(g[i]) : -1;
  };
  auto unclosed = [&] {
    *error = {"this '[' has no closing ']'", start};
    return std::nullopt;
  };
  size_t p = start + 1;
  int ch = at(p);
  const bool negated = ch == '!' || ch == '^';
  if (negated) ch = at(++p);
  ByteSet set;
  int prev = -1;  // the byte a '-' would start a range from
  do {
    if (ch < 0) return unclosed();
    if (ch == '\\') {
      ch = at(++p);
      if (ch < 0) return unclosed();
      set[ch] = true;
    } else if (ch == '-' && prev >= 0 && at(p + 1) >= 0 && at(p + 1) != ']') {
      ch = at(++p);
      if (ch == '\\') {
        ch = at(++p);
        if (ch < 0) return unclosed();
      }
      for (int c = prev; c <= ch; ++c) set[c] = true;
      ch = -1;
    } else if (ch == '[' && at(p + 1) == ':') {
      const size_t name_start = p + 2;
      size_t q = name_start;
      while (q < n && g[q] != ']') ++q;
      if (q >= n) return unclosed();
      if (q < name_start + 1 || g[q - 1] != ':') {
        set['['] = true;  // not [:name:]: a literal '['
      } else {
        std::string_view name = g.substr(name_start, q - 1 - name_start);
        std::optional<ByteSet> cls = NamedClass(name);
        if (!cls) {
          *error = {"unknown class [:" + std::string(name) +
                        ":] (alnum, alpha, blank, cntrl, digit, graph, lower, "
                        "print, punct, space, upper, xdigit)",
                    p};
          return std::nullopt;
        }
        set |= *cls;
        p = q;
        ch = -1;
      }
    } else {
      set[ch] = true;
    }
    prev = ch;
    ch = at(++p);
  } while (ch != ']');
  *end = p;
  if (negated) set.flip();
  set['/'] = false;
  set[0] = false;
  return set;
}

}  // namespace

RE2::Options PatternOptions() {
  RE2::Options options(RE2::Quiet);
  options.set_encoding(RE2::Options::EncodingLatin1);
  options.set_dot_nl(true);
  return options;
}

std::optional<std::string> GlobToRegex(std::string_view glob,
                                       std::string* error,
                                       size_t* error_offset) {
  std::string re = "^";
  Error failure;
  for (size_t i = 0; i < glob.size(); ++i) {
    const unsigned char c = glob[i];
    if (glob.substr(i) == "/***") {
      re += "(?:/.*)?";
      break;
    }
    if (c == '*') {
      size_t end = i;
      while (end < glob.size() && glob[end] == '*') ++end;
      re += end - i >= 2 ? ".*" : "[^/]*";
      i = end - 1;
    } else if (c == '\\') {
      if (i + 1 >= glob.size()) {
        failure = {"a glob cannot end in '\\' (write \\\\ for a backslash)", i};
        break;
      }
      re += Literal(glob[++i]);
    } else if (c == '?') {
      re += "[^/]";
    } else if (c == '[') {
      size_t end = 0;
      std::optional<ByteSet> set = Bracket(glob, i, &end, &failure);
      if (!set) break;
      re += ClassOf(*set);
      i = end;
    } else {
      re += Literal(c);
    }
  }
  if (!failure.message.empty()) {
    if (error) *error = failure.message;
    if (error_offset) *error_offset = failure.offset;
    return std::nullopt;
  }
  return re + "$";
}

bool Glob::Matches(std::string_view path) const {
  std::call_once(once_, [this] {
    std::optional<std::string> re = GlobToRegex(glob_);
    if (re) re_ = std::make_unique<RE2>(*re, PatternOptions());
  });
  return re_ != nullptr && re_->ok() &&
         RE2::FullMatch(re2::StringPiece(path.data(), path.size()), *re_);
}

}  // namespace syd
