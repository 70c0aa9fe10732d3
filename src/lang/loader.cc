#include "src/lang/loader.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "src/base/strcat.h"
#include "src/lang/parser.h"

namespace syd {
namespace {

class Loader {
 public:
  explicit Loader(Diagnostics& diags) : diags_(diags) {}

  void LoadFile(const std::string& path, const Location& from) {
    char real[PATH_MAX];
    if (realpath(path.c_str(), real) == nullptr) {
      diags_.Error(from, StrCat("cannot read '", path, "': ", strerror(errno)));
      return;
    }
    for (const std::string& open : stack_) {
      if (open == real) {
        diags_.Error(
            from, StrCat("include cycle: '", path, "' is already being read"));
        return;
      }
    }
    if (static_cast<int>(stack_.size()) >= kMaxIncludeDepth) {
      diags_.Error(from,
                   StrCat("includes nest deeper than ", kMaxIncludeDepth));
      return;
    }
    std::string text, error;
    if (!ReadFile(path, &text, &error)) {
      diags_.Error(from, error);
      return;
    }
    stack_.push_back(real);
    LoadSource(std::make_shared<SourceFile>(path, std::move(text)), Dir(path));
    stack_.pop_back();
  }

  void LoadSource(const std::shared_ptr<const SourceFile>& source,
                  const std::string& dir) {
    ParsedFile parsed = Parse(source, diags_);
    for (Statement& st : parsed.statements) {
      if (auto* inc = std::get_if<IncludeStmt>(&st)) {
        std::string path = inc->path;
        if (!path.empty() && path[0] != '/' && !dir.empty())
          path = StrCat(dir, "/", path);
        LoadFile(path, inc->location);
      } else {
        out_.push_back(std::move(st));
      }
    }
  }

  std::vector<Statement> Take() { return std::move(out_); }

 private:
  static std::string Dir(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return "";
    return slash == 0 ? "/" : path.substr(0, slash);
  }

  Diagnostics& diags_;
  std::vector<std::string> stack_;
  std::vector<Statement> out_;
};

}  // namespace

bool ReadFile(const std::string& path, std::string* out, std::string* error) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = StrCat("cannot read '", path, "': ", strerror(errno));
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(fd);
    *error = StrCat("cannot read '", path, "': it is a directory");
    return false;
  }
  out->clear();
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = StrCat("cannot read '", path, "': ", strerror(errno));
      close(fd);
      return false;
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
    if (out->size() > kMaxFileSize) {
      *error =
          StrCat("'", path, "' is larger than ", kMaxFileSize >> 20, " MiB");
      close(fd);
      return false;
    }
  }
  close(fd);
  return true;
}

std::vector<Statement> LoadInputs(const std::vector<PolicyInput>& inputs,
                                  Diagnostics& diags) {
  Loader loader(diags);
  int rule_number = 0;
  for (const PolicyInput& in : inputs) {
    if (in.kind == PolicyInput::Kind::kFile) {
      loader.LoadFile(
          in.value, Location{std::make_shared<SourceFile>(in.value, ""), 0, 0});
    } else {
      auto src =
          std::make_shared<SourceFile>(StrCat("-m#", ++rule_number), in.value);
      loader.LoadSource(std::move(src), "");
    }
  }
  return loader.Take();
}

}  // namespace syd
