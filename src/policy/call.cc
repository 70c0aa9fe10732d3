#include "src/policy/call.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstdlib>

#include "src/base/strcat.h"
#include "src/lang/expr.h"
#include "src/lang/parser.h"
#include "src/lang/suggest.h"

namespace syd {
namespace {

// Splits "a, "x,y", (b, c), {d, e}" at top-level commas.
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
    } else if (c == '(' || c == '{' || c == '[') {
      ++depth;
    } else if (c == ')' || c == '}' || c == ']') {
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

// The value of `key=` in strace's struct notation, up to the next
// top-level comma; "" when absent.
std::string Field(const std::vector<std::string>& fields,
                  std::string_view key) {
  for (const std::string& f : fields) {
    std::string_view t = Trim(f);
    if (t.size() > key.size() && t.substr(0, key.size()) == key &&
        t[key.size()] == '=') {
      return std::string(Trim(t.substr(key.size() + 1)));
    }
  }
  return "";
}

// The quoted string inside `text` (inet_addr("1.2.3.4") -> 1.2.3.4).
std::string QuotedPart(std::string_view text) {
  const size_t a = text.find('"');
  const size_t b = text.rfind('"');
  return a == std::string_view::npos || b <= a
             ? ""
             : Unquote(text.substr(a, b - a + 1));
}

// A socket address as strace prints it:
//   {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("1.2.3.4")}
//   {sa_family=AF_INET6, sin6_port=htons(80), inet_pton(AF_INET6, "::1",
//    &sin6_addr), ...}
//   {sa_family=AF_UNIX, sun_path="/run/x"}   sun_path=@"name" (abstract)
absl::StatusOr<SocketAddress> ParseStraceAddress(std::string_view text) {
  const std::vector<std::string> fields =
      SplitArgs(text.substr(1, text.size() - 2));
  const std::string family = Field(fields, "sa_family");
  auto port = [&](std::string_view key) -> absl::StatusOr<uint16_t> {
    const std::string v = Field(fields, key);
    const size_t open = v.find('(');
    const std::string digits =
        open == std::string::npos ? v : v.substr(open + 1, v.size() - open - 2);
    char* end = nullptr;
    const unsigned long n = std::strtoul(digits.c_str(), &end, 10);
    if (digits.empty() || *end != '\0' || n > 65535) {
      return absl::InvalidArgumentError(
          StrCat("a port as ", key, "=htons(N), not '", v, "'"));
    }
    return static_cast<uint16_t>(n);
  };
  SocketAddress a;
  std::string ip;
  if (family == "AF_INET") {
    a.family = AddressFamily::kInet;
    absl::StatusOr<uint16_t> p = port("sin_port");
    if (!p.ok()) return p.status();
    a.port = *p;
    ip = QuotedPart(Field(fields, "sin_addr"));
    if (inet_pton(AF_INET, ip.c_str(), a.ip.data()) != 1) {
      return absl::InvalidArgumentError(
          StrCat("an IPv4 address as sin_addr=inet_addr(\"A.B.C.D\"), not '",
                 ip, "'"));
    }
    return a;
  }
  if (family == "AF_INET6") {
    a.family = AddressFamily::kInet6;
    absl::StatusOr<uint16_t> p = port("sin6_port");
    if (!p.ok()) return p.status();
    a.port = *p;
    for (const std::string& f : fields) {
      if (Trim(f).substr(0, 9) == "inet_pton") ip = QuotedPart(f);
    }
    if (inet_pton(AF_INET6, ip.c_str(), a.ip.data()) != 1) {
      return absl::InvalidArgumentError(
          StrCat("an IPv6 address as inet_pton(AF_INET6, \"ADDR\", "
                 "&sin6_addr), not '",
                 ip, "'"));
    }
    return a;
  }
  if (family == "AF_UNIX") {
    const std::string path = Field(fields, "sun_path");
    const bool abstract = !path.empty() && path[0] == '@';
    a.family = abstract ? AddressFamily::kUnixAbstract : AddressFamily::kUnix;
    a.path = QuotedPart(path);
    return a;
  }
  return absl::InvalidArgumentError(
      StrCat("a socket address of family AF_INET, AF_INET6 or AF_UNIX, not '",
             family, "'"));
}

}  // namespace

absl::StatusOr<Call> ParseCall(std::string_view text) {
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
        StrCat(name, " takes ", s->nargs, " arguments, not ", args.size(),
               " (a string is quoted, a socket address is written as strace "
               "does: {sa_family=AF_INET, sin_port=htons(80), "
               "sin_addr=inet_addr(\"127.0.0.1\")})"));
  }
  Call e;
  e.nr = s->nr;
  e.decoded = true;
  auto source = std::make_shared<SourceFile>("call", std::string(text));
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = Trim(args[i]);
    const ArgSpec& spec = s->args[i];
    // A descriptor with its file, as strace -y prints it: 3</etc/passwd>.
    if (const size_t lt = a.find('<');
        spec.from_fd && lt != std::string_view::npos && a.back() == '>') {
      int fd = 0;
      const std::string_view number = a.substr(0, lt);
      if (number.empty() ||
          std::from_chars(number.data(), number.data() + number.size(), fd)
                  .ptr != number.data() + number.size()) {
        return absl::InvalidArgumentError(StrCat(
            "argument ", i, " of ", name, ": write a descriptor as 3</path>"));
      }
      e.args[i] = static_cast<uint64_t>(fd);
      e.strings[i] = std::string(a.substr(lt + 1, a.size() - lt - 2));
      continue;
    }
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
    if (a.size() >= 2 && a.front() == '{' && a.back() == '}') {
      if (!spec.IsAddress()) {
        return absl::InvalidArgumentError(
            StrCat("argument ", i, " of ", name, " is not a socket address"));
      }
      absl::StatusOr<SocketAddress> addr = ParseStraceAddress(a);
      if (!addr.ok()) {
        return absl::InvalidArgumentError(
            StrCat("argument ", i, ": ", addr.status().message()));
      }
      e.args[i] = 0x10000 + 0x1000 * i;
      e.addresses[i] = *std::move(addr);
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
