// A readable listing of what a policy's filter does, syscall by syscall, in
// the spirit of libseccomp's pseudo filter code.
#ifndef SYD_COMPILE_PFC_H_
#define SYD_COMPILE_PFC_H_

#include <string>

#include "src/policy/policy.h"

namespace syd {

std::string PolicyPseudoCode(const Policy& policy);

}  // namespace syd

#endif  // SYD_COMPILE_PFC_H_
