/* Plugins that are wrong in one way each, for the load-error tests:
 * -DWRONG_ABI exports another ABI version, -DNO_ENTER has no enter hook;
 * and -DCOUNT_LOADS, right, whose constructor appends a line to
 * $SYD_TEST_LOADS each time the object is loaded. */
#include "syd/plugin.h"

#ifdef COUNT_LOADS
#include <stdio.h>
#include <stdlib.h>

__attribute__((constructor)) static void count_load(void) {
  const char *file = getenv("SYD_TEST_LOADS");
  FILE *f = file ? fopen(file, "a") : NULL;
  if (f) {
    fputs("loaded\n", f);
    fclose(f);
  }
}
#endif

uint32_t syd_plugin_abi(void) {
#ifdef WRONG_ABI
  return SYD_PLUGIN_ABI_VERSION + 1;
#else
  return SYD_PLUGIN_ABI_VERSION;
#endif
}

int syd_plugin_init(const struct syd_plugin_host *host,
                    const struct syd_plugin_option *options, size_t noptions,
                    void **state, char *error, size_t error_size) {
  (void)host, (void)options, (void)noptions, (void)error, (void)error_size;
  *state = 0;
  return 0;
}

#ifndef NO_ENTER
struct syd_plugin_verdict syd_plugin_enter(void *state,
                                           const struct syd_plugin_call *call) {
  (void)state, (void)call;
  struct syd_plugin_verdict v = {SYD_PLUGIN_PASS, 0};
  return v;
}
#endif
