// An AddressSanitizer-built program for the compatibility gate: with "leak"
// it loses a block, which LeakSanitizer's check at exit must find. That
// check clones a thread with CLONE_UNTRACED and ptraces the program's
// threads, so it shows what a sandbox lets a sanitizer do.
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static void* work(void* arg) { return arg; }

int main(int argc, char** argv) {
  pthread_t t;
  if (pthread_create(&t, NULL, work, NULL) != 0) return 1;
  pthread_join(t, NULL);
  if (argc > 1 && strcmp(argv[1], "leak") == 0) {
    void* volatile lost = malloc(64);
    lost = NULL;
    (void)lost;
  }
  return 0;
}
