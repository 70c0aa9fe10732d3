// What the end-to-end suites share: where syd and the helper are, the
// backend each run uses, and a scratch tree with a write confinement.
#ifndef SYD_TESTS_E2E_E2E_H_
#define SYD_TESTS_E2E_E2E_H_

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "src/testing/files.h"
#include "src/testing/subprocess.h"

namespace syd::e2e {

inline constexpr char kSyd[] = "src/cli/syd";
inline constexpr char kHelper[] = "testdata/progs/helper";

// The backend every case runs under: BUILD runs each suite once per
// backend.
// How many tries a race test makes: `usual`, or $SYD_RACE_TRIES where the
// suite runs them long (the exclusive *_race targets: 10,000).
inline std::string Tries(int usual) {
  const char* env = std::getenv("SYD_RACE_TRIES");
  return env != nullptr && *env != '\0' ? env : std::to_string(usual);
}

// The number after `key` in `text`, or -1.
inline long NumberAfter(const std::string& text, const std::string& key) {
  const size_t at = text.find(key);
  return at == std::string::npos ? -1 : std::stol(text.substr(at + key.size()));
}

inline std::string Backend() {
  const char* b = std::getenv("SYD_TEST_BACKEND");
  return b != nullptr ? b : "auto";
}

// testing::Run, with syd told which backend to use.
inline testing::RunResult Run(std::vector<std::string> argv,
                              const std::vector<std::string>& env = {}) {
  if (!argv.empty() && argv[0] == kSyd)
    argv.insert(argv.begin() + 1, "--backend=" + Backend());
  return testing::Run(argv, env);
}

inline std::string Touch(const std::string& path) {
  std::ofstream(path) << "data";
  return path;
}

// Rules that let read opens run only beneath the system's trees (what a
// dynamic program needs to start and run) and `dirs`, refusing the rest
// with EACCES: with writes confined as well, the kernel holds the reads
// too (a Landlock read right).
inline std::string ReadAllowList(const std::vector<std::string>& dirs) {
  std::string rules;
  std::vector<std::string> trees = {"/usr",  "/lib", "/lib64", "/etc",
                                    "/proc", "/dev", "/sys"};
  trees.insert(trees.end(), dirs.begin(), dirs.end());
  for (const std::string& tree : trees) {
    rules += "sys/trace+open,openat,openat2:allow:arg_=*\"" + tree + "/***\"\n";
  }
  return rules + "sys/trace+open,openat,openat2:fault=EACCES\n";
}

// A scratch tree: allowed/ may be written, denied/ may not.
struct Tree {
  std::string root = testing::MakeTempDir();
  std::string allowed = root + "/allowed";
  std::string denied = root + "/denied";
  std::string policy = root + "/policy.syd";

  Tree() {
    mkdir(allowed.c_str(), 0755);
    mkdir(denied.c_str(), 0755);
    std::ofstream(policy) << "sys/trace+%file_wr:allow:arg_=*\"" << allowed
                          << "/***\"\n"
                          << "sys/trace+%file_wr:fault=EPERM\n";
  }

  // The helper under syd with this policy; `flags` go to syd, `env` to
  // both.
  testing::RunResult Helper(std::vector<std::string> args,
                            std::vector<std::string> flags = {},
                            const std::vector<std::string>& env = {}) const {
    std::vector<std::string> argv = {kSyd};
    argv.insert(argv.end(), flags.begin(), flags.end());
    for (const char* a : {"-c", policy.c_str(), "--", kHelper})
      argv.push_back(a);
    argv.insert(argv.end(), args.begin(), args.end());
    return Run(argv, env);
  }
};

// One way of writing into denied/, and the name it must not make.
struct Escape {
  std::vector<std::string> args;  // the helper's
  std::string must_not_exist;
};

// Every way of writing a new name into `t`'s denied/, one per kind of
// call; `src` is a file in allowed/ to rename and link.
inline std::vector<Escape> WriteEscapes(const Tree& t, const std::string& src) {
  const std::string& d = t.denied;
  return {
      {{"creat", d + "/c"}, d + "/c"},
      {{"mkdir", d + "/d"}, d + "/d"},
      {{"mknod", d + "/n"}, d + "/n"},
      {{"openat2", d + "/o2"}, d + "/o2"},
      {{"rename", src, d + "/r"}, d + "/r"},
      {{"link", src, d + "/l"}, d + "/l"},
      {{"symlink", "/etc/passwd", d + "/s"}, d + "/s"},
      {{"openat", d, "rel"}, d + "/rel"},
      {{"write", t.allowed + "/../denied/dotdot"}, d + "/dotdot"},
  };
}

}  // namespace syd::e2e

#endif  // SYD_TESTS_E2E_E2E_H_
