#include "syd/call.h"

#include "syd/expr.h"
#include "syd/parser.h"
#include "syd/strcat.h"
#include "syd/suggest.h"

namespace syd {
namespace {

// Splits "a, "x,y", (b, c)" at top-level commas.
std::vector<std::string> SplitArgs(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '\\' && i + 1 < s.size()) {
        cur += c;
        c = s[++i];
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.push_back(cur);
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (!cur.empty() || !out.empty()) out.push_back(cur);
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::string Unquote(std::string_view s) {
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\\' && i + 2 < s.size() &&
        (s[i + 1] == '"' || s[i + 1] == '\\'))
      ++i;
    out += s[i];
  }
  return out;
}

}  // namespace

absl::StatusOr<Event> ParseCall(std::string_view text) {
  text = Trim(text);
  size_t open = text.find('(');
  if (open == std::string_view::npos || text.back() != ')') {
    return absl::InvalidArgumentError(
        "write the call as NAME(ARG, ...), e.g. openat(AT_FDCWD, "
        "\"/etc/passwd\", O_RDONLY)");
  }
  std::string name(Trim(text.substr(0, open)));
  const SyscallInfo* s = FindSyscall(name);
  if (s == nullptr) {
    std::vector<std::string_view> names(SyscallNames(Abi::kX86_64).begin(),
                                        SyscallNames(Abi::kX86_64).end());
    return absl::InvalidArgumentError(
        StrCat("unknown syscall '", name, "'", DidYouMean(name, names)));
  }
  std::vector<std::string> args =
      SplitArgs(text.substr(open + 1, text.size() - open - 2));
  if (args.size() > s->nargs) {
    return absl::InvalidArgumentError(
        StrCat(name, " takes ", s->nargs, " arguments"));
  }
  Event e;
  e.nr = s->nr;
  e.decoded = true;
  auto source = std::make_shared<SourceFile>("call", std::string(text));
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = Trim(args[i]);
    const ArgSpec& spec = s->args[i];
    if (a.size() >= 2 && a.front() == '"' && a.back() == '"') {
      std::string value = Unquote(a);
      e.args[i] = 0x10000 + 0x1000 * i;  // some user-space pointer
      if (spec.IsAddress()) {
        absl::StatusOr<NetPattern> p = NetPattern::Parse(value);
        if (!p.ok()) return p.status();
        SocketAddress addr;
        addr.family = p->family;
        addr.ip = p->ip;
        addr.port = p->port_low;
        addr.path = p->path;
        e.addresses[i] = addr;
      } else if (spec.IsPath() || spec.kind == ArgKind::kString) {
        e.strings[i] = value;
      } else {
        return absl::InvalidArgumentError(
            StrCat("argument ", i, " of ", name, " is a number, not a string"));
      }
      continue;
    }
    Diagnostics d;
    std::optional<Expr> x = ParseExpression(a, Location{source, 1, 1}, d);
    std::optional<uint64_t> v = x ? EvaluateExpr(*x, d) : std::nullopt;
    if (!v) {
      return absl::InvalidArgumentError(
          StrCat("argument ", i, " '", a,
                 "': ", d.all().empty() ? "bad value" : d.all()[0].message));
    }
    e.args[i] = *v;
  }
  return e;
}

}  // namespace syd
