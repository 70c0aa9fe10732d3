// A text cut at a separator: settings' lists (net,ipc), paths, and the
// kernel's own tables (/proc/self/mountinfo).
#ifndef SYD_BASE_SPLIT_H_
#define SYD_BASE_SPLIT_H_

#include <string_view>
#include <vector>

namespace syd {

// `text` cut at each `sep`, empty parts kept ("a,,b" has three, "" one).
inline std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

}  // namespace syd

#endif  // SYD_BASE_SPLIT_H_
