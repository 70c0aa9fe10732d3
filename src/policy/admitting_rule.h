// The smallest rule that admits a call syd refused, for its report: the
// call's syscall with each path and address it named, exactly. The rule is
// checked before it is offered: parsed, resolved and evaluated against the
// very call, which it must allow; otherwise there is no suggestion (a name
// the language cannot spell, say). It never reopens a baseline item: the
// baseline's refusals are the kernel's and are not reported.
#ifndef SYD_POLICY_ADMITTING_RULE_H_
#define SYD_POLICY_ADMITTING_RULE_H_

#include <optional>
#include <string>

#include "src/policy/policy.h"

namespace syd {

// "sys/trace+openat:allow:arg1=\"/etc/x\"" for a decoded call `e`, or
// nothing.
std::optional<std::string> AdmittingRule(const Call& e);

}  // namespace syd

#endif  // SYD_POLICY_ADMITTING_RULE_H_
