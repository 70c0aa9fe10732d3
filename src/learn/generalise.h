// Learned paths written as a person would write them: beneath ${NAME}
// where a variable's value is their directory, a directory whose
// entries are many as DIR/***, random temporary names as globs.
#ifndef SYD_LEARN_GENERALISE_H_
#define SYD_LEARN_GENERALISE_H_

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace syd::learn {

struct Generalisation {
  // Directories named by variables, as (NAME, absolute path): -D's, then
  // HOME and TMPDIR. A path at or beneath one is written beneath
  // ${NAME}, the longest value first.
  std::vector<std::pair<std::string, std::string>> directories;
  // A variable whose value is a single name (USER): a component equal to
  // it is written ${NAME}.
  std::vector<std::pair<std::string, std::string>> names;
  // Where programs make files under random names (/tmp, /var/tmp,
  // $TMPDIR): beneath them, a run of letters and digits that looks random
  // is written '*'.
  std::vector<std::string> temp_dirs;
  // Home directories, which are never allowed whole however much is
  // learned beneath them.
  std::vector<std::string> homes;
  // A directory with this many learned entries directly in it is written
  // DIR/***.
  size_t collapse_at = 4;
  // A directory variable (not a home) with any learned entry beneath it
  // is written DIR/***: a build's work directory.
  bool variables_whole = true;
  // So is a temporary directory: a program's scratch space.
  bool temps_whole = true;
};

// The generalisation `syd learn` uses: the -D values as given, then the
// environment's HOME, TMPDIR and USER, and /tmp and /var/tmp.
Generalisation GeneralisationFrom(
    const std::map<std::string, std::string>& defines);

// Globs in the language's syntax (unquoted; ${NAME}, escapes and all)
// that together match every path of `labels_by_path`, each with the union
// of the labels of the paths it covers. Sorted, so the same input always
// gives the same output.
std::map<std::string, std::set<std::string>> GeneralisePaths(
    const std::map<std::string, std::set<std::string>>& labels_by_path,
    const Generalisation& g);

// `name` with each run of letters, digits and '_' that looks random (six
// or more with two kinds of character, as mkstemp makes; three or more
// digits, as a pid) written '*', the rest glob-quoted.
std::string GlobRandomRuns(const std::string& name);

}  // namespace syd::learn

#endif  // SYD_LEARN_GENERALISE_H_
