#include "src/cli/program_check.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "src/base/escape.h"
#include "src/base/sha256.h"
#include "src/base/whole_file.h"
#include "src/compile/landlock_layer.h"
#include "src/learn/profile_reader.h"

namespace syd::cli {
namespace {

std::string RealPath(const std::string& path) {
  char real[PATH_MAX];
  return realpath(path.c_str(), real) != nullptr ? real : "";
}

// Whether the header's `named` (escaped) is the file `path`.
bool SameProgram(const std::string& named, const std::string& path) {
  if (named == EscapeBytes(path, false)) return true;
  const std::string real = RealPath(path);
  return !real.empty() && RealPath(named) == real;
}

}  // namespace

int OpenForExec(const std::string& path, std::string* sha256) {
  sha256->clear();
  // A regular file only, opened without waiting (a FIFO would hold syd):
  // anything else is executed by name, and the kernel says what it is.
  const int fd =
      open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return -1;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return -1;
  }
  *sha256 = Sha256OfFd(fd).value_or("");
  if (ScriptInterpreterOf(fd)) {
    close(fd);
    return -1;
  }
  return fd;
}

std::optional<int> CheckLearnedProgram(const std::string& path,
                                       const std::vector<PolicyInput>& inputs,
                                       bool strict, const char* who) {
  for (const PolicyInput& in : inputs) {
    if (in.kind != PolicyInput::Kind::kFile) continue;
    std::string text;
    if (!ReadWholeFile(in.value, &text)) continue;
    const std::optional<learn::LearnedProgram> learned =
        learn::ReadLearnedProgram(text);
    if (!learned || !SameProgram(learned->path, path)) continue;
    std::string sha256;
    const int fd = OpenForExec(path, &sha256);
    if (sha256 == learned->sha256) return fd;
    std::fprintf(stderr,
                 "%s: %s: %s: learned for %s with SHA-256 %s; the file is "
                 "now %s\n",
                 who, strict ? "error" : "warning", in.value.c_str(),
                 path.c_str(), learned->sha256.c_str(),
                 sha256.empty() ? "unreadable" : sha256.c_str());
    if (strict) {
      if (fd >= 0) close(fd);
      return std::nullopt;
    }
    return fd;
  }
  return -1;
}

}  // namespace syd::cli
