// Argument tests: numbers, strings, globs, regexes and socket addresses,
// and which syscalls of a rule can take each.
#include "src/base/strcat.h"
#include "src/lang/expr.h"
#include "src/policy/resolver.h"

namespace syd::resolve_internal {

// Why `s` cannot take condition `c`, or "" when it can.
std::string Misfit(const SyscallInfo& s, const Condition& c) {
  if (c.arg == kArgAuto) {
    for (int i = 0; i < s.nargs; ++i) {
      if (c.kind == Condition::Kind::kNet ? s.args[i].IsAddress()
                                          : s.args[i].IsPath()) {
        return "";
      }
    }
    return StrCat(s.name, " has no ",
                  c.kind == Condition::Kind::kNet ? "socket address" : "path",
                  " argument");
  }
  if (c.arg >= s.nargs) {
    return StrCat(s.name, " takes ", s.nargs, " argument",
                  s.nargs == 1 ? "" : "s",
                  s.nargs == 0 ? "" : StrCat(" (arg0..arg", s.nargs - 1, ")"));
  }
  const ArgSpec& a = s.args[c.arg];
  if (c.kind == Condition::Kind::kNet && !a.IsAddress()) {
    return StrCat("arg", c.arg, " of ", s.name, " is not a socket address");
  }
  if (c.kind != Condition::Kind::kArith && c.kind != Condition::Kind::kNet &&
      !a.IsPath() && a.kind != ArgKind::kString) {
    return StrCat("arg", c.arg, " of ", s.name, " is not a string; ",
                  CmpOpText(c.op), " compares strings");
  }
  if (c.kind == Condition::Kind::kArith && a.width == 32) {
    uint64_t v = c.value;
    bool fits = v <= 0xffffffffull || v >= 0xffffffff80000000ull;
    if (!fits) {
      return StrCat("arg", c.arg, " of ", s.name, " is a 32-bit integer; ", v,
                    " does not fit in it");
    }
  }
  return "";
}

std::optional<Condition> Resolver::MakeCondition(
    const ArgExpr& a, const std::vector<Member>& members) {
  Condition c;
  c.arg = a.arg;
  c.op = a.op;
  c.location = a.location;
  if (!a.is_string) {
    if (a.arg == kArgAuto) {
      Error(a.location,
            "arg_ stands for the path or address argument: compare it with a "
            "double-quoted "
            "string, or name the argument (arg0..arg5) to compare numbers");
      return std::nullopt;
    }
    std::optional<uint64_t> v = EvaluateExpr(a.expr, diags_);
    if (!v) {
      ok_ = false;
      return std::nullopt;
    }
    c.kind = Condition::Kind::kArith;
    c.value = *v;
    return c;
  }
  const bool glob = a.op == CmpOp::kGlob || a.op == CmpOp::kNotGlob;
  const bool regex = a.op == CmpOp::kMatch || a.op == CmpOp::kNotMatch;
  auto quote = [&](std::string_view v) -> std::string {
    if (glob) return QuoteGlob(v);
    if (regex) return RE2::QuoteMeta(re2::StringPiece(v.data(), v.size()));
    return std::string(v);
  };
  std::optional<std::string> text = Expand(a.text, a.value_location, quote);
  if (!text) return std::nullopt;
  c.text = *text;
  if (IsNetwork(a.op)) {
    // The seed writes `%stat:arg_@~"/dev/sydbox/?.*"`: a network operator
    // on paths. Where no member has an address, read it as a regex match.
    bool any_address = false, any_path = false;
    for (const Member& m : members) {
      const SyscallInfo* s = FindSyscall(m.nr);
      for (int i = 0; i < s->nargs; ++i) {
        if (a.arg != kArgAuto && a.arg != i) continue;
        any_address |= s->args[i].IsAddress();
        any_path |= s->args[i].IsPath();
      }
    }
    if (!any_address && any_path) {
      c.op = a.op == CmpOp::kNetMatch ? CmpOp::kMatch : CmpOp::kNotMatch;
      diags_.Warning(
          a.location,
          StrCat(CmpOpText(a.op),
                 " compares socket addresses; on a "
                 "path it is read as ",
                 CmpOpText(c.op), " (a regex match): write ", CmpOpText(c.op)));
    } else {
      absl::StatusOr<NetPattern> p = NetPattern::Parse(c.text);
      if (!p.ok()) {
        Error(a.value_location, std::string(p.status().message()));
        return std::nullopt;
      }
      c.kind = Condition::Kind::kNet;
      c.net = std::make_shared<NetPattern>(*p);
      return c;
    }
  }
  if (c.op == CmpOp::kEq || c.op == CmpOp::kNe) {
    c.kind = Condition::Kind::kString;
    return c;
  }
  if (c.op == CmpOp::kGlob || c.op == CmpOp::kNotGlob) {
    c.kind = Condition::Kind::kGlob;
    std::string error;
    size_t offset = 0;
    if (!GlobToRegex(c.text, &error, &offset)) {
      // The column is exact where no ${NAME} or escape came before it.
      Location at = a.value_location;
      if (a.text.find("${") == std::string::npos && c.text == a.text)
        at.column += static_cast<int>(offset);
      Error(at, StrCat("bad glob \"", c.text, "\": ", error));
      return std::nullopt;
    }
    c.glob = std::make_shared<Glob>(c.text);
    return c;
  }
  c.kind = Condition::Kind::kRegex;
  c.regex = Regex(c.text, a.value_location);
  if (!c.regex) return std::nullopt;
  return c;
}

std::shared_ptr<const RE2> Resolver::Regex(const std::string& pattern,
                                           const Location& loc) {
  auto re = std::make_shared<RE2>(pattern, PatternOptions());
  if (!re->ok()) {
    Error(loc, StrCat("bad regex \"", pattern, "\": ", re->error()));
    return nullptr;
  }
  return re;
}

// `text` with ${NAME} expanded; `quote` makes a value literal where it
// lands. `loc` is where the text starts.
std::optional<std::string> Resolver::Expand(
    const std::string& text, const Location& loc,
    const std::function<std::string(std::string_view)>& quote) {
  if (text.find("${") == std::string::npos) return text;
  std::string error;
  size_t offset = 0;
  std::optional<std::string> out =
      ExpandVariables(text, vars_, quote, &error, &offset);
  if (!out) {
    Location at = loc;
    at.column += static_cast<int>(offset);
    Error(at, error);
  }
  return out;
}

}  // namespace syd::resolve_internal
