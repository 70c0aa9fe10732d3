// maxsize: refuses writes that would make a file larger than a limit.
//
//   sys/user+write,pwrite64:arg0>2:load=/path/maxsize.so:max=1048576
//
// The enter hook looks at the file behind the descriptor (fstat through
// /proc/PID/fd/N, which the tracer may read) and fails the write with EFBIG
// when the file would pass `max` bytes; other writes go on to the next
// rule. Written in C++ to show that only the hooks need C linkage.
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "syd/plugin.h"

namespace {

struct Limit {
  unsigned long long max = 0;
};

}  // namespace

extern "C" {

uint32_t syd_plugin_abi() { return SYD_PLUGIN_ABI_VERSION; }

int syd_plugin_init(const syd_plugin_host*, const syd_plugin_option* options,
                    size_t noptions, void** state, char* error,
                    size_t error_size) {
  auto* limit = new Limit;
  bool have_max = false;
  for (size_t i = 0; i < noptions; ++i) {
    char* end = nullptr;
    if (std::strcmp(options[i].key, "max") == 0) {
      limit->max = std::strtoull(options[i].value, &end, 0);
      have_max = end != options[i].value && *end == '\0';
    }
    if (!have_max) {
      std::snprintf(error, error_size, "maxsize takes max=BYTES (got %s=%s)",
                    options[i].key, options[i].value);
      delete limit;
      return 1;
    }
  }
  if (!have_max) {
    std::snprintf(error, error_size, "maxsize needs max=BYTES");
    delete limit;
    return 1;
  }
  *state = limit;
  return 0;
}

syd_plugin_verdict syd_plugin_enter(void* state, const syd_plugin_call* call) {
  const auto* limit = static_cast<const Limit*>(state);
  std::string fd = "/proc/" + std::to_string(call->tgid) + "/fd/" +
                   std::to_string(static_cast<int>(call->args[0]));
  struct stat st;
  if (stat(fd.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return {SYD_PLUGIN_PASS, 0};
  // pwrite64 writes at its offset; write at the end, at worst.
  unsigned long long end =
      std::strcmp(call->name, "pwrite64") == 0
          ? call->args[3] + call->args[2]
          : static_cast<unsigned long long>(st.st_size) + call->args[2];
  if (end > limit->max) return {SYD_PLUGIN_DENY, EFBIG};
  return {SYD_PLUGIN_PASS, 0};
}

void syd_plugin_finish(void* state, int) { delete static_cast<Limit*>(state); }

}  // extern "C"
