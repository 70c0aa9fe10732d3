// The resolver's state, shared by the files that each resolve one part of a
// statement: resolve.cc (statements and edits), resolve_syscalls.cc
// (syscall sets), resolve_options.cc (a rule's options and their values),
// resolve_conditions.cc (argument tests). Private to //src/policy.
#ifndef SYD_POLICY_RESOLVER_H_
#define SYD_POLICY_RESOLVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "re2/re2.h"
#include "src/lang/ast.h"
#include "src/lang/identifiers.h"
#include "src/lang/source.h"
#include "src/policy/rules.h"
#include "src/policy/variables.h"
#include "src/syscalls/syscalls.h"

namespace syd::resolve_internal {

// A syscall a rule names, with how it came in.
struct Member {
  int nr;  // kDropped: taken whole by another member of the same syscall
  SetGuard guard;
  bool is_explicit;  // named, not from a set or regex
};
inline constexpr int kDropped = -1;

class Resolver {
 public:
  Resolver(Diagnostics& diags, const Variables& vars, RuleSet start)
      : diags_(diags), vars_(vars), out_(std::move(start)) {}

  void Statement(const syd::Statement& st);
  RuleSet Take() { return std::move(out_); }

 private:
  void Error(const Location& loc, std::string msg) {
    diags_.Error(loc, std::move(msg));
    ok_ = false;
  }

  // resolve.cc
  bool BuildRule(const RuleStmt& st, Rule* rule);
  void RuleStatement(const RuleStmt& st);
  void EnvelopeStatement(const RuleStmt& st);
  void BaselineStatement(const RuleStmt& st);
  void Clear(const RuleStmt& st);
  void DefaultStatement(const DefaultStmt& st);
  void LimitStatement(const SettingStmt& st);
  void IsolateStatement(const SettingStmt& st);

  // resolve_syscalls.cc
  std::vector<Member> Syscalls(const std::vector<SyscallItem>& items);
  void AddMember(std::vector<Member>* members, Member m);
  void OtherAbiWarning(std::string_view name, const Location& loc);
  void RegexMatchesNothing(const SyscallItem& item, const RE2& re);

  // resolve_options.cc
  void Options(const RuleStmt& st, Rule* rule);
  void CheckBuiltinOption(const PluginRef& plugin, const Option& o);
  std::optional<int64_t> Number(const Option& o);
  std::optional<int64_t> Named(const Option& o, IdentifierKind kind, int64_t lo,
                               int64_t hi, std::string_view what);
  std::optional<int64_t> Errno(const Option& o);
  std::optional<int64_t> TrapData(const Option& o);
  std::optional<int64_t> Signal(const Option& o, int64_t lo);
  std::optional<LogTarget> Log(const Option& o);

  // resolve_conditions.cc
  std::optional<Condition> MakeCondition(const ArgExpr& a,
                                         const std::vector<Member>& members);
  std::shared_ptr<const RE2> Regex(const std::string& pattern,
                                   const Location& loc);
  // `text` with ${NAME} expanded; `quote` makes a value literal where it
  // lands. `loc` is where the text starts.
  std::optional<std::string> Expand(
      const std::string& text, const Location& loc,
      const std::function<std::string(std::string_view)>& quote);

  Diagnostics& diags_;
  const Variables& vars_;
  RuleSet out_;
  bool ok_ = true;
  // A syscall number's index in the members being collected, or -1.
  std::vector<int> member_index_ = std::vector<int>(kMaxSyscallNr, -1);
};

// The verdict of a kernel action (sys/fault, default/fault: ENOSYS until
// error= says otherwise); nothing for trace and user, whose options choose.
std::optional<Verdict> KernelVerdict(Action action);

// Why `s` cannot take condition `c`, or "" when it can.
std::string Misfit(const SyscallInfo& s, const Condition& c);

std::vector<std::string_view> Names(absl::Span<const std::string_view> names);

}  // namespace syd::resolve_internal

#endif  // SYD_POLICY_RESOLVER_H_
