// The syntax tree of a rule file, as written: nothing is resolved yet.
// Equality ignores source locations, so that parse(print(ast)) == ast.
#ifndef SYD_LANG_AST_H_
#define SYD_LANG_AST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "src/lang/source.h"

namespace syd {

enum class Action : uint8_t {
  kKillProcess,
  kKillThread,
  kFault,
  kTrap,
  kLog,
  kAllow,
  kUser,
  kTrace,
};
std::string_view ActionName(Action a);
std::optional<Action> ActionFromName(std::string_view name);
inline constexpr std::string_view kActionNames[] = {
    "kill_process", "kill_thread", "fault", "trap",
    "log",          "allow",       "user",  "trace"};

enum class Edit : uint8_t { kAdd, kRemove, kClear };  // + - ^

enum class CmpOp : uint8_t {
  kEq,           // =   (numbers, or strings exactly)
  kNe,           // !=
  kGt,           // >
  kGe,           // >=
  kLt,           // <
  kLe,           // <=
  kMaskAny,      // &   some bit of the mask is set
  kMaskNone,     // !&  no bit of the mask is set
  kMatch,        // =~  RE2 search
  kNotMatch,     // !~
  kGlob,         // =*
  kNotGlob,      // !*
  kNetMatch,     // @~
  kNetNotMatch,  // @!
};
std::string_view CmpOpText(CmpOp op);
bool IsArithmeticOnly(CmpOp op);  // > >= < <= & !&
bool IsStringOnly(CmpOp op);      // =~ !~ =* !*
bool IsNetwork(CmpOp op);         // @~ @!

struct Expr {
  enum class Kind : uint8_t { kNumber, kIdentifier, kUnary, kBinary };
  // Binary operators; unary ones are '~' and '-'.
  enum class Op : uint8_t {
    kNone,
    kOr,
    kXor,
    kAnd,
    kShl,
    kShr,
    kAdd,
    kSub,
    kNot,
    kNeg
  };

  Kind kind = Kind::kNumber;
  Op op = Op::kNone;
  uint64_t number = 0;         // kNumber
  std::string name;            // kIdentifier
  std::vector<Expr> operands;  // kUnary: 1, kBinary: 2
  Location location;

  // C's binding strength: | 1, ^ 2, & 3, << >> 4, + - 5, unary 6.
  static int Precedence(Op op);

  static Expr Number(uint64_t v);
  static Expr Identifier(std::string name);
  static Expr Unary(Op op, Expr operand);
  static Expr Binary(Op op, Expr lhs, Expr rhs);

  friend bool operator==(const Expr& a, const Expr& b);
};

struct SyscallItem {
  enum class Kind : uint8_t { kName, kNumber, kRegex, kSet };
  Kind kind = Kind::kName;
  std::string
      text;  // name, regex source (without '/'), or set name (without '%')
  int64_t number = 0;
  Location location;

  friend bool operator==(const SyscallItem& a, const SyscallItem& b);
};

inline constexpr int kArgAuto = -1;  // arg_: the path or address argument(s)

struct ArgExpr {
  int arg = 0;  // 0..5, or kArgAuto
  CmpOp op = CmpOp::kEq;
  bool is_string = false;  // value is `text`, else `expr`
  std::string text;
  Expr expr;
  Location location;
  Location value_location;

  friend bool operator==(const ArgExpr& a, const ArgExpr& b);
};

struct Option {
  std::string key;
  std::optional<std::string> value;
  Location location;
  Location value_location;

  friend bool operator==(const Option& a, const Option& b);
};

struct RuleStmt {
  // sys/ is a rule. runtime/ is not: it says what rules added at run time
  // may allow (the run-time envelope), and baseline/ names baseline items
  // the policy reopens (docs/language.md).
  enum class Prefix : uint8_t { kSys, kRuntime, kBaseline };
  Prefix prefix = Prefix::kSys;
  Action action = Action::kAllow;
  Edit edit = Edit::kAdd;
  std::vector<SyscallItem> syscalls;  // empty only for `^` with no set
  std::vector<ArgExpr> args;
  std::vector<Option>
      options;  // in written order; those after load= belong to the plugin
  Location location;

  friend bool operator==(const RuleStmt& a, const RuleStmt& b);
};

struct DefaultStmt {
  Action action = Action::kAllow;
  std::vector<Option> options;
  Location location;

  friend bool operator==(const DefaultStmt& a, const DefaultStmt& b);
};

struct IncludeStmt {
  std::string path;
  Location location;

  friend bool operator==(const IncludeStmt& a, const IncludeStmt& b);
};

// limit/NAME=VALUE and isolate/NAME=VALUE, as written: the resolver
// knows the names and reads the values (src/policy/limits.h,
// src/policy/isolation.h).
enum class SettingKind : uint8_t { kLimit, kIsolate };
struct SettingStmt {
  SettingKind kind = SettingKind::kLimit;
  std::string name;
  std::string value;
  Location location;
  Location value_location;

  friend bool operator==(const SettingStmt& a, const SettingStmt& b);
};

using Statement = std::variant<RuleStmt, DefaultStmt, IncludeStmt, SettingStmt>;

struct ParsedFile {
  std::shared_ptr<const SourceFile> source;
  std::vector<Statement> statements;
};

}  // namespace syd

#endif  // SYD_LANG_AST_H_
