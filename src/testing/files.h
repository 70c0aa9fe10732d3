// Small helpers the end-to-end tests share.
#ifndef SYD_TESTING_FILES_H_
#define SYD_TESTING_FILES_H_

#include <sys/stat.h>

#include <string>

namespace syd::testing {

inline bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// lstat: a dangling symlink exists too.
inline bool Exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

}  // namespace syd::testing

#endif  // SYD_TESTING_FILES_H_
