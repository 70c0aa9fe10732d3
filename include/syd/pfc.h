// A readable listing of what a policy's filter does, syscall by syscall, in
// the spirit of libseccomp's pseudo filter code.
#ifndef SYD_PFC_H_
#define SYD_PFC_H_

#include <string>

#include "syd/policy.h"

namespace syd {

std::string PolicyPseudoCode(const Policy& policy);

}  // namespace syd

#endif  // SYD_PFC_H_
