#include "src/learn/generalise.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>

#include "src/policy/variables.h"

namespace syd::learn {
namespace {

// Directories a person never allows whole: the system's own, and the
// parents of everyone's files. What is learned beneath them is written
// by name or by a narrower directory.
constexpr std::string_view kNeverWhole[] = {
    "/",        "/bin",       "/boot",      "/dev",   "/etc",
    "/home",    "/lib",       "/lib32",     "/lib64", "/libx32",
    "/media",   "/mnt",       "/opt",       "/proc",  "/root",
    "/run",     "/sbin",      "/srv",       "/sys",   "/usr",
    "/usr/lib", "/usr/local", "/usr/share", "/var",   "/var/lib"};

// A path's text in the language: glob metacharacters and "${" escaped,
// and a control byte written '?' (the language has no escape for one,
// and a newline would end the rule: the names are the sandbox's, and
// must not write rules of their own into the profile).
std::string Literal(std::string_view text) {
  const std::string quoted = QuoteGlob(text);
  std::string out;
  for (size_t i = 0; i < quoted.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(quoted[i]);
    if (c < 0x20 || c == 0x7f) {
      out += '?';
      continue;
    }
    if (c == '$' && i + 1 < quoted.size() && quoted[i + 1] == '{') out += '$';
    out += static_cast<char>(c);
  }
  return out;
}

bool Beneath(std::string_view path, std::string_view dir) {
  return path == dir || (path.size() > dir.size() && path.starts_with(dir) &&
                         (dir == "/" || path[dir.size()] == '/'));
}

struct Node {
  std::string raw;   // the directory or file, absolute
  std::string text;  // as the learned glob writes it
  bool entry = false;
  bool variable = false;     // a directory variable's value
  bool temp = false;         // a temporary directory
  bool never_whole = false;  // the system's, or a home
  std::set<std::string> labels;
  std::map<std::string, Node> children;  // by text
};

void AllLabels(const Node& n, std::set<std::string>* out) {
  out->insert(n.labels.begin(), n.labels.end());
  for (const auto& [text, child] : n.children) AllLabels(child, out);
}

void Emit(const Node& n, bool top, const Generalisation& g,
          std::map<std::string, std::set<std::string>>* out) {
  const bool whole =
      !top && !n.never_whole &&
      ((n.variable && g.variables_whole) || (n.temp && g.temps_whole) ||
       n.children.size() >= g.collapse_at);
  if (whole) {
    AllLabels(n, &(*out)[n.text + "/***"]);
    return;
  }
  if (n.entry) {
    std::set<std::string>& labels = (*out)[n.text.empty() ? "/" : n.text];
    labels.insert(n.labels.begin(), n.labels.end());
  }
  for (const auto& [text, child] : n.children) Emit(child, false, g, out);
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// An absolute directory without a trailing '/', or "" for "/" and for
// anything else.
std::string DirectoryValue(std::string value) {
  while (value.size() > 1 && value.back() == '/') value.pop_back();
  return value.size() > 1 && value[0] == '/' ? value : "";
}

}  // namespace

std::string GlobRandomRuns(const std::string& name) {
  std::string out;
  size_t i = 0;
  while (i < name.size()) {
    auto in_run = [&](size_t k) {
      return std::isalnum(static_cast<unsigned char>(name[k])) ||
             name[k] == '_';
    };
    if (!in_run(i)) {
      out += Literal(name.substr(i, 1));
      ++i;
      continue;
    }
    size_t end = i;
    bool lower = false, upper = false, digit = false;
    while (end < name.size() && in_run(end)) {
      const unsigned char c = static_cast<unsigned char>(name[end]);
      lower |= std::islower(c) != 0;
      upper |= std::isupper(c) != 0;
      digit |= std::isdigit(c) != 0;
      ++end;
    }
    const size_t len = end - i;
    const int kinds = lower + upper + digit;
    const bool random =
        (len >= 6 && kinds >= 2) || (len >= 3 && digit && !lower && !upper);
    out += random ? "*" : Literal(name.substr(i, len));
    i = end;
  }
  return out;
}

Generalisation GeneralisationFrom(
    const std::map<std::string, std::string>& defines) {
  Generalisation g;
  auto add_directory = [&](const std::string& name, const std::string& value) {
    const std::string dir = DirectoryValue(value);
    if (dir.empty()) return;
    for (const auto& [n, v] : g.directories) {
      if (v == dir) return;  // the first name for a value wins
    }
    g.directories.emplace_back(name, dir);
  };
  for (const auto& [name, value] : defines) add_directory(name, value);
  const std::string home = DirectoryValue(Env("HOME"));
  add_directory("HOME", home);
  if (!home.empty()) g.homes.push_back(home);
  const std::string tmpdir = DirectoryValue(Env("TMPDIR"));
  add_directory("TMPDIR", tmpdir);
  // Longest first: the deepest variable names a path.
  std::stable_sort(g.directories.begin(), g.directories.end(),
                   [](const auto& a, const auto& b) {
                     return a.second.size() > b.second.size();
                   });
  std::string user = Env("USER");
  if (user.empty()) user = Env("LOGNAME");
  if (user.size() >= 3 && user.find('/') == std::string::npos)
    g.names.emplace_back("USER", user);
  g.temp_dirs = {"/tmp", "/var/tmp"};
  if (!tmpdir.empty() && std::find(g.temp_dirs.begin(), g.temp_dirs.end(),
                                   tmpdir) == g.temp_dirs.end()) {
    g.temp_dirs.push_back(tmpdir);
  }
  return g;
}

std::map<std::string, std::set<std::string>> GeneralisePaths(
    const std::map<std::string, std::set<std::string>>& labels_by_path,
    const Generalisation& g) {
  Node root;
  root.raw = "/";
  auto mark = [&](Node* n) {
    for (std::string_view never : kNeverWhole)
      n->never_whole |= n->raw == never;
    for (const std::string& home : g.homes) n->never_whole |= n->raw == home;
    for (const std::string& t : g.temp_dirs) n->temp |= n->raw == t;
  };
  for (const auto& [path, labels] : labels_by_path) {
    if (path.empty() || path[0] != '/') continue;
    Node* n = &root;
    std::string_view rest = path;
    for (const auto& [name, value] : g.directories) {
      if (!Beneath(path, value)) continue;
      const std::string text = "${" + name + "}";
      Node& var = root.children[text];
      var.raw = value;
      var.text = text;
      mark(&var);
      var.variable = true;
      n = &var;
      rest.remove_prefix(value.size());
      break;
    }
    size_t start = 0;
    while (start < rest.size()) {
      while (start < rest.size() && rest[start] == '/') ++start;
      if (start >= rest.size()) break;
      size_t end = rest.find('/', start);
      if (end == std::string_view::npos) end = rest.size();
      const std::string component(rest.substr(start, end - start));
      start = end;
      const std::string raw =
          n->raw == "/" ? "/" + component : n->raw + "/" + component;
      bool in_temp = false;
      for (const std::string& t : g.temp_dirs) in_temp |= Beneath(n->raw, t);
      std::string text =
          in_temp ? GlobRandomRuns(component) : Literal(component);
      for (const auto& [name, value] : g.names) {
        if (component == value) text = "${" + name + "}";
      }
      Node& child = n->children[text];
      if (child.raw.empty()) {
        child.raw = raw;
        child.text = n->text + "/" + text;
        mark(&child);
      }
      n = &child;
    }
    n->entry = true;
    n->labels.insert(labels.begin(), labels.end());
  }
  std::map<std::string, std::set<std::string>> out;
  Emit(root, /*top=*/true, g, &out);
  return out;
}

}  // namespace syd::learn
