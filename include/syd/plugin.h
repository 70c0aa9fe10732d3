/* The C ABI of syd plugins (load=/path/plugin.so[:key=value...]).
 *
 * A rule such as
 *     sys/user+execve,execveat:load=/usr/lib/syd/execlog.so:file=/tmp/log
 * hands every call it matches to the plugin, which decides it or passes it
 * on to the next rule. A plugin is a shared object that exports:
 *
 *   uint32_t syd_plugin_abi(void);                          required
 *       returns SYD_PLUGIN_ABI_VERSION as the plugin was built with it.
 *   int syd_plugin_init(const struct syd_plugin_host *host,
 *                       const struct syd_plugin_option *options,
 *                       size_t noptions, void **state,
 *                       char *error, size_t error_size);     required
 *       once per rule, before the command starts. Returns 0, or non-zero
 *       with a message in `error`; then the command is not started.
 *   struct syd_plugin_verdict syd_plugin_enter(void *state,
 *                       const struct syd_plugin_call *call); required
 *       at each call the rule matches, before it runs.
 *   void syd_plugin_exit(void *state,
 *                        const struct syd_plugin_call *call);  optional
 *       after a call the enter hook let run (SYD_PLUGIN_ALLOW or PASS to a
 *       rule that allowed it), with its return value. Only plugins that
 *       export it cost the extra stop, and only for their rule's calls.
 *   void syd_plugin_finish(void *state, int exit_status);   optional
 *       when the command and everything it started have gone.
 *
 * Hooks run in syd's tracer, one call at a time, while the calling thread
 * is stopped: keep them short. Pointers in a call are valid during the hook.
 */
#ifndef SYD_PLUGIN_H_
#define SYD_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a structure below or a hook's signature changes; syd
 * refuses a plugin built for another version. */
#define SYD_PLUGIN_ABI_VERSION 1u

struct syd_plugin_option {
  const char *key;
  const char *value; /* "" for an option without =value */
};

struct syd_plugin_host {
  uint32_t abi_version;
  /* Copies `size` bytes at `addr` in process `pid`; 0, or -1 when the
   * memory is not there. */
  int (*read_memory)(int pid, uint64_t addr, void *out, size_t size);
  /* Copies the NUL-terminated string at `addr` (at most size-1 bytes and
   * the NUL); its length, or -1. */
  long (*read_string)(int pid, uint64_t addr, char *out, size_t size);
};

struct syd_plugin_call {
  int pid;          /* the calling thread */
  int tgid;         /* its process */
  int nr;           /* x86_64 syscall number */
  const char *name; /* "openat" */
  uint64_t args[6];
  /* Path arguments resolved as the kernel will (against the directory fd,
   * the working directory and the root); NULL for other arguments. */
  const char *paths[6];
  int64_t retval; /* exit hook: the return value (-errno on failure) */
};

enum syd_plugin_verdict_kind {
  SYD_PLUGIN_PASS = 0,  /* let the next rule (or the default) decide */
  SYD_PLUGIN_ALLOW = 1, /* the call runs */
  SYD_PLUGIN_DENY = 2,  /* the call fails with -value (an errno) */
  SYD_PLUGIN_KILL = 3,  /* the process gets signal value (0: SIGKILL) */
};

struct syd_plugin_verdict {
  int kind; /* enum syd_plugin_verdict_kind */
  int value;
};

#ifdef __cplusplus
}
#endif

#endif /* SYD_PLUGIN_H_ */
