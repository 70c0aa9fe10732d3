// The policy a learning run (syd learn) runs under: what it records, and
// how every refusal comes to syd, which records it and lets the call run.
#ifndef SYD_LEARN_LEARN_POLICY_H_
#define SYD_LEARN_LEARN_POLICY_H_

#include <string_view>
#include <vector>

#include "src/policy/rules.h"

namespace syd::learn {

// With no base profile: the calls a learning run records, and the end of
// the profile it writes, which refuses the rest of the same calls. One
// text, so that a replay refuses what was not learned and nothing that
// was. Sends and connects are judged only with an address of an IP or
// UNIX family: a send on a connected socket names none, and a netlink
// bind is no reach outside.
inline constexpr std::string_view kRecordedCalls =
    "sys/trace+%file_wr:fault=EPERM\n"
    "sys/trace+%exec:fault=EACCES\n"
    "sys/trace+bind,connect,sendmsg,sendmmsg:fault=EACCES:"
    "arg_@~\"inet://0.0.0.0/0\"\n"
    "sys/trace+bind,connect,sendmsg,sendmmsg:fault=EACCES:"
    "arg_@~\"inet6://::/0\"\n"
    "sys/trace+bind,connect,sendmsg,sendmmsg:fault=EACCES:"
    "arg_@~\"unix:/***\"\n"
    "sys/trace+bind,connect,sendmsg,sendmmsg:fault=EACCES:"
    "arg_@~\"unix-abstract:**\"\n"
    "sys/trace+sendto:arg4!=0:fault=EACCES:arg_@~\"inet://0.0.0.0/0\"\n"
    "sys/trace+sendto:arg4!=0:fault=EACCES:arg_@~\"inet6://::/0\"\n"
    "sys/trace+sendto:arg4!=0:fault=EACCES:arg_@~\"unix:/***\"\n"
    "sys/trace+sendto:arg4!=0:fault=EACCES:arg_@~\"unix-abstract:**\"\n";

// kRecordedCalls, a rule a line.
std::vector<std::string_view> RecordedCallRules();

// Makes syd decide every refusal of `rules` (the baseline in front), so
// that a learning run sees it: a rule the kernel would refuse with
// becomes a trace rule with the same verdict, and a default that refuses
// becomes a last rule for every syscall that refuses as it did. The
// baseline's rules report nothing: their refusals stand (Recording::Add)
// and are summed up at the end.
void RefuseInSyd(RuleSet* rules);

// Adds a last rule to `rules` that stops every call the rules before it
// leave to the default (ENOSYS; Recording lets each run), so that a
// learning run sees every syscall the command makes (--syscalls,
// --report): a stop for each call, which is what it costs.
void StopEveryCall(RuleSet* rules);
// Whether `rule` is StopEveryCall's (or a copy: the rules in force are
// copied when they change at run time).
bool IsEveryCallRule(const Rule& rule);

}  // namespace syd::learn

#endif  // SYD_LEARN_LEARN_POLICY_H_
