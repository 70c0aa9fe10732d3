// The rule language as a PEGTL grammar. One line is one statement:
//
//   sys/ACTION{+,-,^}SYSCALL_SET[:argN OP VALUE]...[:OPTION[=VALUE]]...
//   default/ACTION[:OPTION[=VALUE]]...
//   limit/NAME=VALUE
//   isolate/NAME=VALUE
//   include FILE
//   # comment
//
// Only the shape is checked here; names, numbers and option meanings are
// checked when the tree is converted and resolved, where the error messages
// can say more. Rules named in the error table of src/lang/parser.cc are the
// points where a failed match is an error rather than a backtrack.
#ifndef SYD_GRAMMAR_SYD_GRAMMAR_H_
#define SYD_GRAMMAR_SYD_GRAMMAR_H_

#include <tao/pegtl.hpp>

namespace syd::grammar {

namespace pegtl = tao::pegtl;
using pegtl::any;
using pegtl::at;
using pegtl::digit;
using pegtl::eolf;
using pegtl::must;
using pegtl::not_at;
using pegtl::not_one;
using pegtl::one;
using pegtl::opt;
using pegtl::plus;
using pegtl::ranges;
using pegtl::seq;
using pegtl::sor;
using pegtl::star;
using pegtl::string;

struct ws : star<one<' ', '\t'>> {};
struct ident_other : ranges<'a', 'z', 'A', 'Z', '0', '9', '_'> {};
struct identifier : seq<ranges<'a', 'z', 'A', 'Z', '_'>, star<ident_other>> {};
// Digits and letters: 0x1f, 0644, 42. The converter reports malformed ones.
struct number : seq<digit, star<ident_other>> {};

// Strings: only \" and \\ are escapes. Any other backslash is kept with the
// character after it, so regexes keep \. and \d as written.
struct string_close : one<'"'> {};
struct string_body : star<sor<seq<one<'\\'>, any>, not_one<'"', '\\'>>> {};
struct quoted : seq<one<'"'>, string_body, must<string_close>> {};

// Arithmetic: operands joined by | ^ & << >> + -, each operand with any
// number of unary ~ and -. Precedence (C's) is applied by the converter, so
// the tree stays flat and cheap to build.
struct expr;
struct paren_close : one<')'> {};
struct paren : seq<one<'('>, ws, must<expr>, ws, must<paren_close>> {};
struct expr_ident : identifier {};
struct primary : sor<paren, number, expr_ident> {};
struct unary_op : one<'~', '-'> {};
struct operand : seq<star<unary_op, ws>, must<primary>> {};
struct binary_op
    : sor<string<'<', '<'>, string<'>', '>'>, one<'|', '^', '&', '+', '-'>> {};
struct expr : seq<operand, star<ws, binary_op, ws, must<operand>>> {};

// Syscall sets: names, numbers, /regex (whole-name match), %class, %%class.
struct sys_set_name : identifier {};
struct sys_set : seq<one<'%'>, opt<one<'%'>>, must<sys_set_name>> {};
struct sys_regex_body : plus<not_one<':', ',', ' ', '\t'>> {};
struct sys_regex : seq<one<'/'>, must<sys_regex_body>> {};
struct sys_number : number {};
struct sys_name : identifier {};
struct sys_item : sor<sys_set, sys_regex, sys_number, sys_name> {};
struct syscall_set : seq<sys_item, star<one<','>, must<sys_item>>> {};

// argN OP VALUE. `=~` followed by a string is a regex match; `=~0` is `=`
// with the value ~0.
struct arg_ref : seq<string<'a', 'r', 'g'>, sor<plus<digit>, one<'_'>>,
                     not_at<ident_other>> {};
struct op_not_match : string<'!', '~'> {};
struct op_glob : string<'=', '*'> {};
struct op_not_glob : string<'!', '*'> {};
struct op_net_match : string<'@', '~'> {};
struct op_net_not_match : string<'@', '!'> {};
struct op_match : string<'=', '~'> {};
struct op_ne : string<'!', '='> {};
struct op_mask_none : string<'!', '&'> {};
struct op_ge : string<'>', '='> {};
struct op_le : string<'<', '='> {};
struct op_eq : one<'='> {};
struct op_gt : one<'>'> {};
struct op_lt : one<'<'> {};
struct op_mask_any : one<'&'> {};
struct string_value : quoted {};
struct string_operand : string_value {};
struct value : sor<string_value, expr> {};
struct arg_cmp : sor<seq<sor<op_not_match, op_glob, op_not_glob, op_net_match,
                             op_net_not_match>,
                         ws, must<string_operand>>,
                     seq<op_match, ws, string_value>,
                     seq<sor<op_ne, op_mask_none, op_ge, op_le, op_eq, op_gt,
                             op_lt, op_mask_any>,
                         ws, must<value>>> {};
struct arg_expr : seq<arg_ref, ws, must<arg_cmp>> {};

// key or key=value; a value is a quoted string or runs to the next ':'.
struct option_key : identifier {};
struct option_bare : plus<not_one<':', ' ', '\t', '"', '#'>> {};
struct option_value : sor<quoted, option_bare> {};
struct option : seq<option_key, opt<one<'='>, must<option_value>>> {};
struct item : sor<arg_expr, option> {};
struct items : star<ws, one<':'>, ws, must<item>> {};
struct options : star<ws, one<':'>, ws, must<option>> {};

struct action_name : identifier {};
struct edit_add : one<'+'> {};
struct edit_remove : one<'-'> {};
struct edit_clear : one<'^'> {};
struct rule_body : sor<seq<edit_clear, opt<syscall_set>>,
                       seq<sor<edit_add, edit_remove>, must<syscall_set>>> {};
// runtime/allow+SET[:tests]: what rules added at run time may allow (the
// run-time envelope); baseline/allow+NAMES: baseline items the policy
// reopens; otherwise a rule.
struct envelope_prefix : string<'r', 'u', 'n', 't', 'i', 'm', 'e', '/'> {};
struct baseline_prefix : string<'b', 'a', 's', 'e', 'l', 'i', 'n', 'e', '/'> {};
struct rule
    : seq<sor<string<'s', 'y', 's', '/'>, envelope_prefix, baseline_prefix>,
          must<action_name>, must<rule_body>, items> {};
struct default_stmt : seq<string<'d', 'e', 'f', 'a', 'u', 'l', 't', '/'>,
                          must<action_name>, options> {};
struct include_bare : plus<not_one<' ', '\t', '#', '"'>> {};
struct include_target : sor<quoted, include_bare> {};
struct include_stmt : seq<string<'i', 'n', 'c', 'l', 'u', 'd', 'e'>,
                          plus<one<' ', '\t'>>, must<include_target>> {};
// limit/NAME=VALUE: a bound on the command's resources or time; the
// resolver checks the name and reads the value (30s, 4G, unlimited).
struct limit_name : identifier {};
struct limit_equals : one<'='> {};
struct limit_value : plus<not_one<':', ' ', '\t', '"', '#'>> {};
struct limit_stmt : seq<string<'l', 'i', 'm', 'i', 't', '/'>, must<limit_name>,
                        must<limit_equals>, must<limit_value>> {};
// isolate/NAME=VALUE: the world the command starts in (namespaces, a
// private root, its user, capabilities, descriptors, environment and
// output). Values may hold ':' and '=' (isolate/bind=/usr:/usr,
// isolate/setenv=LANG=C); the resolver reads them.
struct isolate_name : identifier {};
struct isolate_value : plus<not_one<' ', '\t', '"', '#'>> {};
struct isolate_stmt
    : seq<string<'i', 's', 'o', 'l', 'a', 't', 'e', '/'>, must<isolate_name>,
          must<limit_equals>, must<isolate_value>> {};
struct statement
    : sor<rule, default_stmt, limit_stmt, isolate_stmt, include_stmt> {};

struct comment : seq<one<'#'>, star<any>> {};
struct end_of_line : eolf {};
struct line
    : seq<ws, sor<eolf, comment,
                  seq<must<statement>, ws, opt<comment>, must<end_of_line>>>> {
};

}  // namespace syd::grammar

#endif  // SYD_GRAMMAR_SYD_GRAMMAR_H_
