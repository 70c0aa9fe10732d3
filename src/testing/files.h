// Small helpers the end-to-end tests share.
#ifndef SYD_TESTING_FILES_H_
#define SYD_TESTING_FILES_H_

#include <dirent.h>
#include <sys/stat.h>

#include <cstring>
#include <fstream>
#include <sstream>
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

// The whole of the file at `path`; "" when it cannot be read.
inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// How many names `dir` holds ("." and ".." aside); 0 when it cannot be
// read.
inline size_t Entries(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return 0;
  size_t n = 0;
  while (const dirent* e = readdir(d)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
      ++n;
  }
  closedir(d);
  return n;
}

}  // namespace syd::testing

#endif  // SYD_TESTING_FILES_H_
