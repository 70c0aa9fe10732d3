/* execlog: writes every exec in the sandbox to a file, with its argv and
 * its result.
 *
 *   sys/user+execve,execveat:load=/path/execlog.so:file=/tmp/exec.log
 *
 * One line per exec: "PID PATH ARGV... = RESULT" (0, or -errno). The enter
 * hook reads argv while the old program's memory still exists; the exit
 * hook adds the result. Written in C to show the ABI needs no C++. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syd/plugin.h"

#define MAX_PENDING 64
#define MAX_LINE 8192

struct pending {
  int tgid; /* an exec keeps its process id, whichever thread called it */
  char line[MAX_LINE];
};

struct state {
  const struct syd_plugin_host *host;
  FILE *out;
  struct pending pending[MAX_PENDING];
};

uint32_t syd_plugin_abi(void) { return SYD_PLUGIN_ABI_VERSION; }

int syd_plugin_init(const struct syd_plugin_host *host,
                    const struct syd_plugin_option *options, size_t noptions,
                    void **state, char *error, size_t error_size) {
  const char *file = NULL;
  for (size_t i = 0; i < noptions; ++i) {
    if (strcmp(options[i].key, "file") == 0) {
      file = options[i].value;
    } else {
      snprintf(error, error_size, "unknown option '%s' (execlog takes file=)",
               options[i].key);
      return 1;
    }
  }
  if (file == NULL || file[0] == '\0') {
    snprintf(error, error_size, "execlog needs file=PATH");
    return 1;
  }
  struct state *s = calloc(1, sizeof *s);
  if (s == NULL) return 1;
  s->host = host;
  s->out = fopen(file, "a");
  if (s->out == NULL) {
    snprintf(error, error_size, "cannot open %s: %s", file, strerror(errno));
    free(s);
    return 1;
  }
  setvbuf(s->out, NULL, _IOLBF, 0);
  *state = s;
  return 0;
}

/* Appends `text` to `line`, with spaces and backslashes escaped so that
 * the arguments can be told apart. */
static void append(char *line, const char *text) {
  size_t len = strlen(line);
  for (; *text != '\0' && len + 3 < MAX_LINE; ++text) {
    if (*text == ' ' || *text == '\\' || *text == '\n') line[len++] = '\\';
    line[len++] = *text == '\n' ? 'n' : *text;
  }
  line[len] = '\0';
}

struct syd_plugin_verdict syd_plugin_enter(void *state,
                                           const struct syd_plugin_call *call) {
  struct state *s = state;
  struct syd_plugin_verdict pass = {SYD_PLUGIN_PASS, 0};
  int execveat = strcmp(call->name, "execveat") == 0;
  struct pending *p = NULL;
  for (int i = 0; i < MAX_PENDING && p == NULL; ++i) {
    if (s->pending[i].tgid == 0 || s->pending[i].tgid == call->tgid)
      p = &s->pending[i];
  }
  if (p == NULL) return pass; /* too many at once: the rule still decides */
  p->tgid = call->tgid;
  snprintf(p->line, MAX_LINE, "%d ", call->tgid);
  const char *path = call->paths[execveat ? 1 : 0];
  append(p->line, path ? path : "?");
  uint64_t argv = call->args[execveat ? 2 : 1];
  for (int i = 0; argv != 0 && i < 256; ++i) {
    uint64_t arg = 0;
    char text[4096];
    if (s->host->read_memory(call->pid, argv + 8 * (uint64_t)i, &arg,
                             sizeof arg) != 0 ||
        arg == 0) {
      break;
    }
    if (s->host->read_string(call->pid, arg, text, sizeof text) < 0) break;
    strcat(p->line, " ");
    append(p->line, text);
  }
  return pass;
}

void syd_plugin_exit(void *state, const struct syd_plugin_call *call) {
  struct state *s = state;
  for (int i = 0; i < MAX_PENDING; ++i) {
    if (s->pending[i].tgid != call->tgid) continue;
    fprintf(s->out, "%s = %lld\n", s->pending[i].line, (long long)call->retval);
    s->pending[i].tgid = 0;
    return;
  }
}

void syd_plugin_finish(void *state, int exit_status) {
  struct state *s = state;
  fprintf(s->out, "finished: %d\n", exit_status);
  fclose(s->out);
  free(s);
}
