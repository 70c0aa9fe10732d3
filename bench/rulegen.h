// Generated rule files for the benchmarks: a mix like real profiles have.
#ifndef SYD_BENCH_RULEGEN_H_
#define SYD_BENCH_RULEGEN_H_

#include <string>

#include "src/base/strcat.h"

namespace syd::bench {

// `n` rules: a fifth each of register tests, %file_wr regexes, address
// patterns, faults and globs, all different.
inline std::string GenerateRules(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    switch (i % 5) {
      case 0:
        StrAppend(&out,
                  "sys/allow+openat:arg2!&O_WRONLY|O_RDWR|O_CREAT:arg0=", i,
                  "\n");
        break;
      case 1:
        StrAppend(&out, "sys/trace+%file_wr:arg_=~\"^/tmp/d", i,
                  "/.*\":allow\n");
        break;
      case 2:
        StrAppend(&out, "sys/trace+bind:arg_@~\"inet://10.", i / 256 % 256, ".",
                  i % 256, ".0/24@", 1024 + i % 1000, "\":allow\n");
        break;
      case 3:
        StrAppend(&out, "sys/fault+write:arg0=", i + 3, ":error=EPERM\n");
        break;
      default:
        StrAppend(&out, "sys/trace+unlinkat:arg_=*\"/var/tmp/x", i,
                  "/***\":fault=EACCES:log=2\n");
        break;
    }
  }
  return out;
}

}  // namespace syd::bench

#endif  // SYD_BENCH_RULEGEN_H_
