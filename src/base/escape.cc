#include "src/base/escape.h"

#include <cstdint>

namespace syd {
namespace {

// The length of the UTF-8 sequence at s[i] if it is well formed and
// encodes a printable code point (U+00A0 and up), else 0.
size_t PrintableUtf8(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t lead = b(i);
  size_t len = 0;
  uint32_t cp = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    len = 2;
    cp = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    len = 3;
    cp = lead & 0x0f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    len = 4;
    cp = lead & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3f);
  }
  // Overlong forms, surrogates, beyond U+10FFFF, and the C1 controls.
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
      cp < 0xa0) {
    return 0;
  }
  return len;
}

}  // namespace

std::string EscapeBytes(std::string_view s, bool exact) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<uint8_t>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      if (exact && (c == '\\' || c == '"')) out += '\\';
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (const size_t len = c >= 0x80 ? PrintableUtf8(s, i) : 0; len != 0) {
      out.append(s.substr(i, len));
      i += len;
      continue;
    }
    if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += '\\';
      out += static_cast<char>('0' + (c >> 6));
      out += static_cast<char>('0' + ((c >> 3) & 7));
      out += static_cast<char>('0' + (c & 7));
    }
    ++i;
  }
  return out;
}

std::string QuoteBytes(std::string_view s) {
  return "\"" + EscapeBytes(s, true) + "\"";
}

}  // namespace syd
