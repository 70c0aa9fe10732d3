// A program for the end-to-end tests: does one thing named on its command
// line and exits 0 on success or with the errno it got, so a test can tell
// "denied with EPERM" from "worked". Prints what it did on stdout.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/fs.h>
#include <linux/io_uring.h>
#include <linux/landlock.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

static int report(int rc) {
  if (rc < 0) {
    printf("%s\n", strerror(errno));
    return errno;
  }
  printf("ok\n");
  return 0;
}

static volatile sig_atomic_t caught;
static void on_usr1(int sig) { caught = sig; }

// A SIGSYS handler that says where the signal came from: si_code
// SYS_SECCOMP (1) with the filter's data in si_errno from a kernel trap,
// or another code from a signal someone sent.
static void on_sigsys(int sig, siginfo_t* info, void* context) {
  (void)sig;
  (void)context;
  char msg[64];
  int n = snprintf(msg, sizeof msg, "sigsys code=%d errno=%d\n", info->si_code,
                   info->si_errno);
  // Nothing to do if it fails: the test reads what arrived.
  if (write(1, msg, (size_t)n) < 0) _exit(1);
  _exit(0);
}

// SIGTSTP the way ncurses programs take it: tidy up, take the default
// action (stop), and carry on when continued.
static volatile sig_atomic_t resumed;
static void on_tstp(int sig) {
  static const char msg[] = "stopping\n";
  if (write(1, msg, sizeof msg - 1) < 0) return;
  // Tidying up takes a while (vim redraws): a shell that reports the job
  // stopped before this process is would let `fg` come first.
  const struct timespec tidy = {0, 200 * 1000 * 1000};
  nanosleep(&tidy, NULL);
  signal(SIGTSTP, SIG_DFL);
  sigset_t tstp;
  sigemptyset(&tstp);
  sigaddset(&tstp, SIGTSTP);
  sigprocmask(SIG_UNBLOCK, &tstp, NULL);  // the handler runs with it blocked
  raise(SIGTSTP);                         // stops here until SIGCONT
  struct sigaction sa = {0};
  sa.sa_handler = on_tstp;
  sigaction(sig, &sa, NULL);
  resumed = 1;
}

static int write_file(const char* path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  int rc = write(fd, "x", 1) == 1 ? 0 : -1;
  close(fd);
  return rc;
}

static int make_addr(const char* spec, struct sockaddr_storage* ss,
                     socklen_t* len, int* family) {
  memset(ss, 0, sizeof *ss);
  char host[128];
  int port = 0;
  if (sscanf(spec, "inet:%127[^@]@%d", host, &port) == 2) {
    struct sockaddr_in* in = (struct sockaddr_in*)ss;
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    inet_pton(AF_INET, host, &in->sin_addr);
    *len = sizeof *in;
    *family = AF_INET;
  } else if (sscanf(spec, "inet6:%127[^@]@%d", host, &port) == 2) {
    struct sockaddr_in6* in6 = (struct sockaddr_in6*)ss;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    inet_pton(AF_INET6, host, &in6->sin6_addr);
    *len = sizeof *in6;
    *family = AF_INET6;
  } else if (strncmp(spec, "unix:", 5) == 0 ||
             strncmp(spec, "abstract:", 9) == 0) {
    struct sockaddr_un* un = (struct sockaddr_un*)ss;
    un->sun_family = AF_UNIX;
    int abstract = spec[0] == 'a';
    const char* name = spec + (abstract ? 9 : 5);
    strncpy(un->sun_path + abstract, name, sizeof un->sun_path - 2);
    *len = offsetof(struct sockaddr_un, sun_path) + abstract + strlen(name) +
           (abstract ? 0 : 1);
    *family = AF_UNIX;
  } else {
    return -1;
  }
  return 0;
}

struct thread_arg {
  const char* prefix;
  int index;
  int result;
};

static void* thread_main(void* p) {
  struct thread_arg* a = p;
  char path[4096];
  snprintf(path, sizeof path, "%s.%d", a->prefix, a->index);
  a->result = write_file(path) == 0 ? 0 : errno;
  return NULL;
}

// thread-spawners K N ROUNDS: K threads each start N threads that end at
// once, and join them, ROUNDS times. A tracer sees a new thread's own
// stops and its parent's clone event in either order, and the thread
// may have ended before the event comes.
static int spawned_threads, spawn_rounds;
static void* ends_at_once(void* p) { return p; }
static void* umask_zero(void* p) {
  umask(0);
  return p;
}
static void* spawner(void* p) {
  for (int r = 0; r < spawn_rounds; ++r) {
    pthread_t t[64];
    int made = 0;
    for (int i = 0; i < spawned_threads && i < 64; ++i) {
      if (pthread_create(&t[made], NULL, ends_at_once, NULL) == 0) ++made;
    }
    for (int i = 0; i < made; ++i) pthread_join(t[i], NULL);
  }
  return p;
}

// parallel-opens N K DIR: N threads each make K files DIR/tI.J, write
// the file's own name through the descriptor the create returned, then
// open it again to read that back; prints how many descriptors named
// another file than the one opened.
struct opener {
  const char* dir;
  int index, count, mismatched;
};
static void* open_many(void* p) {
  struct opener* o = p;
  for (int j = 0; j < o->count; ++j) {
    char name[64], path[4096], back[64] = {0};
    snprintf(name, sizeof name, "t%d.%d", o->index, j);
    snprintf(path, sizeof path, "%s/%s", o->dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const size_t len = strlen(name);
    if (fd < 0 || write(fd, name, len) != (ssize_t)len) ++o->mismatched;
    if (fd >= 0) close(fd);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, back, sizeof back - 1) != (ssize_t)len ||
        strcmp(back, name) != 0)
      ++o->mismatched;
    if (fd >= 0) close(fd);
  }
  return NULL;
}

// stalled-read DIR N: a thread opens a name on a page that never arrives
// (userfaultfd): whoever reads the name waits for it, syd deciding that
// open among them. Once syd waits, the leader creates N files in DIR,
// each a call syd decides. Prints "made N while one read stalled" when
// all were made, or after 5 s "stalled after K" when the rest waited for
// the stalled one; then the page arrives (zeros: the empty name, ENOENT)
// and the stalled open ends.
static void* open_stalled(void* page) {
  const int fd = open((const char*)page, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) close(fd);
  return NULL;
}
// The creates made so far, and whether the leader is done with them.
static atomic_int stalled_made;
static atomic_bool stalled_done;
struct stalled_page {
  int uffd;
  char* page;
  long size;
};
// The page arrives: zeros.
static int release_page(const struct stalled_page* p) {
  struct uffdio_zeropage zero = {
      .range = {(unsigned long)p->page, (unsigned long)p->size}};
  return ioctl(p->uffd, UFFDIO_ZEROPAGE, &zero) == 0 || errno == EEXIST ? 0
                                                                        : -1;
}
static void* release_stalled_late(void* arg) {
  // Every 10 ms for 5 s: the creates are done, or they waited.
  for (int i = 0; i < 500 && !atomic_load(&stalled_done); ++i) usleep(10000);
  if (atomic_load(&stalled_done)) return NULL;
  printf("stalled after %d\n", atomic_load(&stalled_made));
  release_page(arg);
  return (void*)1;
}
// `size` bytes of pages that arrive only when release_page says so: 0, or
// -1 with errno.
static int stall_pages(struct stalled_page* p, long size) {
  p->size = size;
  p->uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
  if (p->uffd < 0) return -1;
  struct uffdio_api api = {.api = UFFD_API};
  p->page = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  struct uffdio_register reg = {
      .range = {(unsigned long)p->page, (unsigned long)size},
      .mode = UFFDIO_REGISTER_MODE_MISSING};
  if (ioctl(p->uffd, UFFDIO_API, &api) != 0 || p->page == MAP_FAILED ||
      ioctl(p->uffd, UFFDIO_REGISTER, &reg) != 0)
    return -1;
  return 0;
}
static int stalled_read(const char* dir, int n) {
  struct stalled_page p;
  if (stall_pages(&p, sysconf(_SC_PAGESIZE)) != 0) return report(-1);
  pthread_t opener, watchdog;
  if (pthread_create(&opener, NULL, open_stalled, p.page) != 0) return 1;
  // The fault is reported once something reads the page: syd, for the
  // open it decides.
  struct pollfd fault = {p.uffd, POLLIN, 0};
  struct uffd_msg msg;
  if (poll(&fault, 1, 5000) != 1 || read(p.uffd, &msg, sizeof msg) <= 0) {
    printf("nothing read the page\n");
    release_page(&p);
    pthread_join(opener, NULL);
    return 1;
  }
  if (pthread_create(&watchdog, NULL, release_stalled_late, &p) != 0) return 1;
  int made = 0;
  for (int i = 0; i < n; ++i) {
    char path[4096];
    snprintf(path, sizeof path, "%s/made.%d", dir, i);
    const int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) break;
    close(fd);
    atomic_store(&stalled_made, ++made);
  }
  void* late = NULL;
  atomic_store(&stalled_done, 1);
  pthread_join(watchdog, &late);
  if (!late) printf("made %d while one read stalled\n", made);
  const int released = release_page(&p);
  pthread_join(opener, NULL);
  return made == n && !late && released == 0 ? 0 : 1;
}

// stalled-reads K: K threads (at most 8) each open a name on a page of
// their own that never arrives, so that K of syd's deciding threads wait
// on those reads. Prints "stalled S" once S reads wait (K, unless none
// came for 5 s), then waits, 30 s at most, for someone to end it; then
// the pages arrive.
static int stalled_reads(int k) {
  if (k < 1 || k > 8) return 2;
  const long page = sysconf(_SC_PAGESIZE);
  struct stalled_page p;
  if (stall_pages(&p, page * k) != 0) return report(-1);
  pthread_t openers[8];
  for (int i = 0; i < k; ++i) {
    if (pthread_create(&openers[i], NULL, open_stalled, p.page + i * page))
      return 1;
  }
  int stalled = 0;
  struct pollfd fault = {p.uffd, POLLIN, 0};
  struct uffd_msg msg;
  while (stalled < k && poll(&fault, 1, 5000) == 1 &&
         read(p.uffd, &msg, sizeof msg) > 0) {
    ++stalled;
  }
  printf("stalled %d\n", stalled);
  for (int i = 0; i < 300; ++i) usleep(100 * 1000);
  const int released = release_page(&p);
  for (int i = 0; i < k; ++i) pthread_join(openers[i], NULL);
  return stalled == k && released == 0 ? 0 : 1;
}

static void* exec_thread(void* p) {
  char** argv = p;
  execv(argv[0], argv);
  _exit(127);
}

// Creates `path` through io_uring's IORING_OP_OPENAT, whose open never
// passes through seccomp: only Landlock (or refusing io_uring) stops it.
// Returns 0 or an errno, as report() does.
static int compare_names(const void* a, const void* b) {
  return strcmp((const char*)a, (const char*)b);
}

// own-domain DIR: DIR/old written, then the process puts itself in a
// Landlock domain that refuses every change to files (ABI 1's rights) and
// tries them in DIR, and so does a child it makes after; then what DIR
// holds. Under syd the lines are bare's: syd does not do for the process
// what its own domain refuses.
static int own_domain(const char* dir) {
  char path[4096];
  snprintf(path, sizeof path, "%s/old", dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return report(-1);
  close(fd);
  struct landlock_ruleset_attr attr = {
      .handled_access_fs =
          LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
          LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_DIR |
          LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SYM};
  const int ruleset =
      (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (ruleset < 0) {
    printf("no landlock\n");
    return 0;
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      syscall(SYS_landlock_restrict_self, ruleset, 0) != 0)
    return report(-1);
  close(ruleset);
#define OWN_DOMAIN_TRY(what, call)                                 \
  do {                                                             \
    printf("%s=%s\n", what, (call) >= 0 ? "ok" : strerror(errno)); \
  } while (0)
  snprintf(path, sizeof path, "%s/new", dir);
  OWN_DOMAIN_TRY("create", fd = open(path, O_WRONLY | O_CREAT, 0644));
  if (fd >= 0) close(fd);
  snprintf(path, sizeof path, "%s/old", dir);
  OWN_DOMAIN_TRY("write", fd = open(path, O_WRONLY));
  if (fd >= 0) close(fd);
  OWN_DOMAIN_TRY("unlink", unlink(path));
  snprintf(path, sizeof path, "%s/dir", dir);
  OWN_DOMAIN_TRY("mkdir", mkdir(path, 0755));
  snprintf(path, sizeof path, "%s/link", dir);
  OWN_DOMAIN_TRY("symlink", symlink("old", path));
  fflush(stdout);
  const pid_t child = fork();
  if (child == 0) {
    snprintf(path, sizeof path, "%s/child", dir);
    OWN_DOMAIN_TRY("child mkdir", mkdir(path, 0755));
    fflush(stdout);
    _exit(0);
  }
  if (child < 0 || waitpid(child, NULL, 0) != child) return report(-1);
#undef OWN_DOMAIN_TRY
  DIR* d = opendir(dir);
  if (d == NULL) return report(-1);
  // Sorted: the order readdir gives differs from one directory to another.
  char names[16][256];
  int n = 0;
  const struct dirent* e;
  while ((e = readdir(d)) != NULL && n < 16)
    if (e->d_name[0] != '.')
      snprintf(names[n++], sizeof names[0], "%s", e->d_name);
  qsort(names, (size_t)n, sizeof names[0], compare_names);
  printf("holds:");
  for (int i = 0; i < n; ++i) printf(" %s", names[i]);
  printf("\n");
  closedir(d);
  return 0;
}

static int uring_create(const char* path) {
  struct io_uring_params p;
  memset(&p, 0, sizeof p);
  int fd = (int)syscall(SYS_io_uring_setup, 4, &p);
  if (fd < 0) return report(-1);
  size_t sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
  size_t cq_size = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
  char* sq = mmap(NULL, sq_size, PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
  char* cq = mmap(NULL, cq_size, PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_CQ_RING);
  struct io_uring_sqe* sqes = mmap(
      NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
      MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
  if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
    return report(-1);
  memset(&sqes[0], 0, sizeof sqes[0]);
  sqes[0].opcode = IORING_OP_OPENAT;
  sqes[0].fd = AT_FDCWD;
  sqes[0].addr = (uint64_t)(uintptr_t)path;
  sqes[0].len = 0644;
  sqes[0].open_flags = O_WRONLY | O_CREAT;
  unsigned* tail = (unsigned*)(sq + p.sq_off.tail);
  unsigned* array = (unsigned*)(sq + p.sq_off.array);
  array[*tail & *(unsigned*)(sq + p.sq_off.ring_mask)] = 0;
  __atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
  if (syscall(SYS_io_uring_enter, fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) <
      0)
    return report(-1);
  unsigned head =
      __atomic_load_n((unsigned*)(cq + p.cq_off.head), __ATOMIC_ACQUIRE);
  struct io_uring_cqe* cqes = (struct io_uring_cqe*)(cq + p.cq_off.cqes);
  int res = cqes[head & *(unsigned*)(cq + p.cq_off.ring_mask)].res;
  if (res >= 0) close(res);
  errno = -res;
  return report(res < 0 ? -1 : 0);
}

// race-symlink LINK GOOD BAD N: one thread points LINK at GOOD, then BAD,
// over and over, while this one creates LINK/f0 ... LINK/fN-1. A check
// made on the path and a kernel that resolves it again later disagree
// whenever the swap falls between them.
struct swapper {
  const char* link;
  const char* targets[2];
  volatile int stop;
};
static void* swap_link(void* arg) {
  struct swapper* s = arg;
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", s->link);
  for (unsigned i = 0; !s->stop; ++i) {
    unlink(tmp);
    if (symlink(s->targets[i & 1], tmp) == 0) rename(tmp, s->link);
  }
  return NULL;
}
static int race_symlink(const char* link, const char* good, const char* bad,
                        int n) {
  struct swapper s = {link, {good, bad}, 0};
  if (symlink(good, link) != 0) return report(-1);
  pthread_t t;
  if (pthread_create(&t, NULL, swap_link, &s) != 0) return 1;
  int created = 0;
  for (int i = 0; i < n; ++i) {
    char path[4096];
    snprintf(path, sizeof path, "%s/f%d", link, i);
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    if (fd >= 0) {
      ++created;
      close(fd);
    }
  }
  s.stop = 1;
  pthread_join(t, NULL);
  printf("created %d of %d\n", created, n);
  return 0;
}

// race-read-link LINK GOOD BAD N: as race-symlink, but reads LINK/f, which
// holds "good" in GOOD and "bad" in BAD, N times, and counts the reads
// that got BAD's.
static int race_read_link(const char* link, const char* good, const char* bad,
                          int n) {
  struct swapper s = {link, {good, bad}, 0};
  if (symlink(good, link) != 0) return report(-1);
  pthread_t t;
  if (pthread_create(&t, NULL, swap_link, &s) != 0) return 1;
  char path[4096];
  snprintf(path, sizeof path, "%s/f", link);
  int got_bad = 0;
  for (int i = 0; i < n; ++i) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) continue;
    char buf[8] = {0};
    if (read(fd, buf, sizeof buf - 1) > 0 && !strncmp(buf, "bad", 3)) ++got_bad;
    close(fd);
  }
  s.stop = 1;
  pthread_join(t, NULL);
  printf("read bad %d of %d\n", got_bad, n);
  return 0;
}

// setxattrat's and removexattrat's (Linux 6.13), which Debian 12's
// headers lack.
#ifndef SYS_setxattrat
#define SYS_setxattrat 463
#endif
#ifndef SYS_removexattrat
#define SYS_removexattrat 466
#endif
struct xattr_args_v0 {
  uint64_t value;
  uint32_t size;
  uint32_t flags;
};

// race-name GOOD BAD N [OP]: one thread (race-name-process: another
// process, through a shared mapping) rewrites a buffer with GOOD, then
// BAD (names of one length), over and over, while this one acts on the
// name in it N times: by default creates it and writes "w"; "read" reads
// it, counting the reads that got "bad"; "chmod" (0777), "chown"
// (65534:65534; "chown-empty-path" by fchownat with AT_EMPTY_PATH),
// "openat2-larger" (a create through an open_how with zeros past it),
// "truncate" (to 0), "xattr" (user.raced; "lxattr" by
// lsetxattr, "xattrat" and "lxattrat" by setxattrat) and "utimes"
// (both times 1 s after the epoch) change its metadata; "mkdir", "mknod"
// (a FIFO), "symlink", "link" and "rename" (of GOOD.src) make it, and
// "unlink" removes it, each remaking or removing GOOD itself after;
// "leader" creates it as "write" does but from a child that leads a
// session with no terminal (so that a terminal GOOD names would become
// its own), writes nothing and gives the terminal up after each open
// (TIOCNOTTY). syd reads the name once; a kernel that reads it again may
// find the other. "opath" opens it O_PATH, counting the opens that got
// BAD's file as "read bad".
struct flipper {
  char* buf;
  const char* names[2];
  size_t len;
  volatile int stop;
};
static void* flip_name(void* arg) {
  struct flipper* f = arg;
  for (unsigned i = 0; !f->stop; ++i) memcpy(f->buf, f->names[i & 1], f->len);
  return NULL;
}
static int race_name(const char* good, const char* bad, int n, const char* op,
                     int from_process) {
  static char own[4096];
  char* buf = own;
  size_t len = strlen(good);
  if (len != strlen(bad) || len >= sizeof own) return EINVAL;
  if (!strcmp(op, "leader")) {
    const pid_t child = fork();
    if (child < 0) return 1;
    if (child == 0) {
      signal(SIGHUP, SIG_IGN);  // giving the terminal up sends it
      if (setsid() < 0) _exit(1);
      _exit(race_name(good, bad, n, "leader-loop", from_process));
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child) return 1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  }
  const int leader = !strcmp(op, "leader-loop");
  // race-name-process: the buffer is a shared mapping, rewritten by
  // another process rather than a thread.
  if (from_process) {
    buf = mmap(NULL, sizeof own, PROT_READ | PROT_WRITE,
               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED) return 1;
  }
  memcpy(buf, good, len + 1);
  // GOOD may be a FIFO whose reader leaves between two writers.
  signal(SIGPIPE, SIG_IGN);
  struct flipper f = {buf, {good, bad}, len, 0};
  pthread_t t;
  pid_t flipper = 0;
  if (from_process) {
    flipper = fork();
    if (flipper < 0) return 1;
    if (flipper == 0) {
      flip_name(&f);  // until killed
      _exit(0);
    }
  } else if (pthread_create(&t, NULL, flip_name, &f) != 0) {
    return 1;
  }
  const int reading = !strcmp(op, "read");
  struct stat bad_st;
  if (!strcmp(op, "opath") && stat(bad, &bad_st) != 0) return 1;
  int done = 0;
  int got_bad = 0;
  for (int i = 0; i < n; ++i) {
    int rc = 0;
    if (!strcmp(op, "chmod")) {
      rc = chmod(buf, 0777);
    } else if (!strcmp(op, "chown")) {
      rc = chown(buf, 65534, 65534);
    } else if (!strcmp(op, "openat2-larger")) {
      // open_how with 8 bytes past it, zero: the kernel takes it.
      struct {
        struct open_how how;
        uint64_t more;
      } larger = {{O_WRONLY | O_CREAT, 0644, 0}, 0};
      int fd = (int)syscall(SYS_openat2, AT_FDCWD, buf, &larger, sizeof larger);
      rc = fd < 0 ? -1 : close(fd);
    } else if (!strcmp(op, "chown-empty-path")) {
      // AT_EMPTY_PATH with a name: the kernel looks the name up.
      rc = fchownat(AT_FDCWD, buf, 65534, 65534, AT_EMPTY_PATH);
    } else if (!strcmp(op, "opath")) {
      int fd = open(buf, O_PATH);
      struct stat st;
      if (fd >= 0 && fstat(fd, &st) == 0 && st.st_dev == bad_st.st_dev &&
          st.st_ino == bad_st.st_ino)
        ++got_bad;
      rc = fd < 0 ? -1 : close(fd);
    } else if (!strcmp(op, "truncate")) {
      rc = truncate(buf, 0);
    } else if (!strcmp(op, "xattr")) {
      rc = setxattr(buf, "user.raced", "x", 1, 0);
    } else if (!strcmp(op, "lxattr")) {
      rc = lsetxattr(buf, "user.raced", "x", 1, 0);
    } else if (!strcmp(op, "xattrat") || !strcmp(op, "lxattrat")) {
      struct xattr_args_v0 args = {(uint64_t)(uintptr_t) "x", 1, 0};
      rc = (int)syscall(SYS_setxattrat, AT_FDCWD, buf,
                        op[0] == 'l' ? AT_SYMLINK_NOFOLLOW : 0, "user.raced",
                        &args, sizeof args);
    } else if (!strcmp(op, "utimes")) {
      struct timeval tv[2] = {{1, 0}, {1, 0}};
      rc = utimes(buf, tv);
    } else if (!strcmp(op, "mkdir")) {
      rc = mkdir(buf, 0755);
      rmdir(good);  // free the allowed name for the next try
    } else if (!strcmp(op, "mknod")) {
      rc = mknod(buf, S_IFIFO | 0644, 0);
      unlink(good);
    } else if (!strcmp(op, "symlink")) {
      rc = symlink("target", buf);
      unlink(good);
    } else if (!strcmp(op, "link") || !strcmp(op, "rename")) {
      // From a file beside GOOD, made afresh for each try.
      char src[4096];
      snprintf(src, sizeof src, "%s.src", good);
      close(open(src, O_WRONLY | O_CREAT, 0644));
      rc = !strcmp(op, "link") ? link(src, buf) : rename(src, buf);
      unlink(good);
    } else if (!strcmp(op, "unlink")) {
      close(open(good, O_WRONLY | O_CREAT, 0644));
      rc = unlink(buf);
    } else {
      int fd =
          reading ? open(buf, O_RDONLY) : open(buf, O_WRONLY | O_CREAT, 0644);
      if (fd < 0) continue;
      if (leader) {
        ioctl(fd, TIOCNOTTY);
        close(fd);
        ++done;
        continue;
      }
      char data[8] = {0};
      if (reading && read(fd, data, sizeof data - 1) > 0 &&
          !strncmp(data, "bad", 3))
        ++got_bad;
      if (!reading && write(fd, "w", 1) != 1) printf("%s\n", strerror(errno));
      close(fd);
    }
    if (rc == 0) ++done;
  }
  if (from_process) {
    kill(flipper, SIGKILL);
    waitpid(flipper, NULL, 0);
  } else {
    f.stop = 1;
    pthread_join(t, NULL);
  }
  // The process's name: a write that reached /proc/self/comm renamed it.
  char comm[32] = "?";
  int cfd = open("/proc/self/comm", O_RDONLY);
  if (cfd >= 0) {
    ssize_t got = read(cfd, comm, sizeof comm - 1);
    comm[got > 0 ? got - 1 : 0] = 0;
    close(cfd);
  }
  printf("done %d of %d, read bad %d, comm %s\n", done, n, got_bad, comm);
  return 0;
}

// race-descriptor GOOD BAD N OP: one thread puts GOOD, then BAD (files
// opened read-only), on one descriptor, over and over (dup2), while this
// one changes the file through it N times: "fchmod" (0777), "fchown"
// (65534:65534), "fsetxattr" (user.raced), "futimens" (both times 1 s
// after the epoch), "chmod-empty-path" (fchmodat2 with AT_EMPTY_PATH),
// "utimes-null" (futimesat with a NULL name), "setflags" (FS_IOC_SETFLAGS,
// nodump), "link-empty-path" (linkat with AT_EMPTY_PATH to GOOD.lI).
// "cwd-chown" takes directories: the thread moves the cwd between them (fchdir)
// while this one chowns it (fchownat(AT_FDCWD, "", AT_EMPTY_PATH)). syd judges
// the file the descriptor names; a kernel that looks at the descriptor again
// may find the other.
struct descriptor_swapper {
  int fds[2];
  int target;  // -1: the cwd
  volatile int stop;
};
static void* swap_descriptor(void* arg) {
  struct descriptor_swapper* s = arg;
  for (unsigned i = 0; !s->stop; ++i) {
    if (s->target < 0) {
      if (fchdir(s->fds[i & 1]) != 0) break;
    } else if (dup2(s->fds[i & 1], s->target) < 0) {
      break;
    }
  }
  return NULL;
}
static int race_descriptor(const char* good, const char* bad, int n,
                           const char* op) {
  const int cwd = !strcmp(op, "cwd-chown");
  const int flags = O_RDONLY | (cwd ? O_DIRECTORY : 0);
  struct descriptor_swapper s = {{open(good, flags), open(bad, flags)}, -1, 0};
  if (s.fds[0] < 0 || s.fds[1] < 0) return report(-1);
  if (!cwd) s.target = dup(s.fds[0]);
  pthread_t t;
  if (pthread_create(&t, NULL, swap_descriptor, &s) != 0) return 1;
  const int fd = s.target;
  int done = 0;
  for (int i = 0; i < n; ++i) {
    int rc = -1;
    struct timespec ts[2] = {{1, 0}, {1, 0}};
    struct timeval tv[2] = {{1, 0}, {1, 0}};
    // The file system's own flags kept: ext4 refuses to clear extents.
    int nodump = 0;
    if (!strcmp(op, "setflags") && ioctl(fd, FS_IOC_GETFLAGS, &nodump) == 0)
      nodump |= FS_NODUMP_FL;
    if (!strcmp(op, "fchmod")) rc = fchmod(fd, 0777);
    if (!strcmp(op, "fchown")) rc = fchown(fd, 65534, 65534);
    if (!strcmp(op, "fsetxattr")) rc = fsetxattr(fd, "user.raced", "x", 1, 0);
    if (!strcmp(op, "futimens")) rc = futimens(fd, ts);
    if (!strcmp(op, "chmod-empty-path"))
      rc = (int)syscall(452, fd, "", 0777, AT_EMPTY_PATH);
    if (!strcmp(op, "utimes-null"))
      rc = (int)syscall(SYS_futimesat, fd, NULL, tv);
    if (!strcmp(op, "setflags")) rc = ioctl(fd, FS_IOC_SETFLAGS, &nodump);
    if (!strcmp(op, "link-empty-path")) {
      char name[4096];
      snprintf(name, sizeof name, "%s.l%d", good, i);
      rc = linkat(fd, "", AT_FDCWD, name, AT_EMPTY_PATH);
    }
    if (cwd) rc = fchownat(AT_FDCWD, "", 65534, 65534, AT_EMPTY_PATH);
    if (rc == 0) ++done;
  }
  s.stop = 1;
  pthread_join(t, NULL);
  printf("done %d of %d\n", done, n);
  return 0;
}

// race-empty-name DIR BAD N OP: names relative to DIR (a descriptor), in
// a buffer that holds BAD, whose first byte one thread zeroes and puts
// back over and over (an empty name, then BAD), while this one acts on
// the name in it N times: "create" opens it O_CREAT, "mkdir" makes it;
// "link" takes a file for DIR and links it (AT_EMPTY_PATH) to DIR.lI.
// An empty name is the descriptor's own file (judged as DIR), and the
// call fails there; a kernel that reads the name again may find BAD.
// race-dirfd DIR NAME N: one thread puts DIR on a descriptor and closes
// it, over and over, while this one creates NAME relative to it N times
// (EBADF while it is closed); a kernel that looks at the descriptor again
// may find DIR.
struct byte_flipper {
  char* at;
  char values[2];
  int dirfd;  // race-dirfd: dup2'd to `target` and closed
  int target;
  volatile int stop;
};
static void* flip_byte(void* arg) {
  struct byte_flipper* f = arg;
  for (unsigned i = 0; !f->stop; ++i) {
    if (f->at != NULL) {
      *(volatile char*)f->at = f->values[i & 1];
    } else if (i & 1) {
      close(f->target);
    } else {
      dup2(f->dirfd, f->target);
    }
  }
  return NULL;
}
static int race_empty_name(const char* dir, const char* bad, int n,
                           const char* op) {
  static char buf[4096];
  // "link": DIR is a file, linked (AT_EMPTY_PATH) to DIR.lI.
  const int linking = !strcmp(op, "link");
  const int dirfd = open(dir, O_PATH | (linking ? 0 : O_DIRECTORY));
  if (dirfd < 0 || strlen(bad) >= sizeof buf) return report(-1);
  const int by_dirfd = !strcmp(op, "dirfd");
  struct byte_flipper f = {buf, {0, bad[0]}, dirfd, 999, 0};
  if (by_dirfd) f.at = NULL;
  memcpy(buf, bad, strlen(bad) + 1);
  pthread_t t;
  if (pthread_create(&t, NULL, flip_byte, &f) != 0) return 1;
  int done = 0;
  for (int i = 0; i < n; ++i) {
    int rc = -1;
    if (!strcmp(op, "create") || by_dirfd) {
      const int fd = openat(by_dirfd ? f.target : dirfd, buf,
                            O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      rc = fd < 0 ? -1 : close(fd);
    } else if (!strcmp(op, "mkdir")) {
      rc = mkdirat(dirfd, buf, 0755);
    } else if (linking) {
      char name[4096];
      snprintf(name, sizeof name, "%s.l%d", dir, i);
      rc = linkat(dirfd, buf, AT_FDCWD, name, AT_EMPTY_PATH);
    }
    if (rc == 0) ++done;
  }
  f.stop = 1;
  pthread_join(t, NULL);
  printf("done %d of %d\n", done, n);
  return 0;
}

// race-listen N: one thread puts a TCP socket bound to 127.0.0.1, then
// one bound nowhere, on a descriptor (dup2), over and over, while this
// one listens on it N times; says whether the unbound one listens (bound
// to every interface as it did). syd judges the socket the descriptor
// names; a kernel that looks at the descriptor again may find the other.
static int race_listen(int n) {
  struct sockaddr_in in = {.sin_family = AF_INET};
  in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int bound = socket(AF_INET, SOCK_STREAM, 0);
  const int unbound = socket(AF_INET, SOCK_STREAM, 0);
  if (bound < 0 || unbound < 0 ||
      bind(bound, (struct sockaddr*)&in, sizeof in) != 0)
    return report(-1);
  struct descriptor_swapper s = {{bound, unbound}, dup(bound), 0};
  pthread_t t;
  if (pthread_create(&t, NULL, swap_descriptor, &s) != 0) return 1;
  int done = 0;
  for (int i = 0; i < n; ++i) {
    if (listen(s.target, 1) == 0) ++done;
  }
  s.stop = 1;
  pthread_join(t, NULL);
  struct sockaddr_in got;
  socklen_t len = sizeof got;
  getsockname(unbound, (struct sockaddr*)&got, &len);
  printf("done %d of %d, the unbound socket %s\n", done, n,
         got.sin_port != 0 ? "listens" : "does not listen");
  return 0;
}

// race-connect GOOD BAD N: one thread rewrites a socket address with GOOD,
// then BAD (inet specs of one family), over and over, while this one
// connects a new TCP socket to the address in it N times; prints how many
// connected.
// GOOD and BAD, addresses of one family and length (make_addr): 0, or
// EINVAL.
static int make_addr_pair(const char* good, const char* bad,
                          struct sockaddr_storage* g,
                          struct sockaddr_storage* b, socklen_t* len,
                          int* family) {
  socklen_t bad_len;
  int bad_family;
  if (make_addr(good, g, len, family) != 0 ||
      make_addr(bad, b, &bad_len, &bad_family) != 0 || *len != bad_len ||
      *family != bad_family)
    return EINVAL;
  return 0;
}
static int race_connect(const char* good, const char* bad, int n) {
  static struct sockaddr_storage buf;
  struct sockaddr_storage g, b;
  socklen_t len;
  int family;
  if (make_addr_pair(good, bad, &g, &b, &len, &family) != 0) return EINVAL;
  memcpy(&buf, &g, len);
  struct flipper f = {(char*)&buf, {(const char*)&g, (const char*)&b}, len, 0};
  pthread_t t;
  if (pthread_create(&t, NULL, flip_name, &f) != 0) return 1;
  int connected = 0;
  for (int i = 0; i < n; ++i) {
    int fd = socket(family, SOCK_STREAM, 0);
    if (fd < 0) break;
    if (connect(fd, (struct sockaddr*)&buf, len) == 0) ++connected;
    close(fd);
  }
  f.stop = 1;
  pthread_join(t, NULL);
  printf("connected %d of %d\n", connected, n);
  return 0;
}

// race-send HOW GOOD BAD N: a datagram socket connected to GOOD sends a
// byte N times without blocking while one thread rewrites where to, over
// and over: HOW sendto, sendmsg or sendmmsg with an address flipping
// between GOOD and BAD (specs of one family and length), or "unnamed": a
// sendmsg whose message flips between no address (to GOOD, the socket's
// peer) and BAD. Prints how many were sent.
static int race_send(const char* how, const char* good, const char* bad,
                     int n) {
  static struct sockaddr_storage buf;
  static struct msghdr message;
  struct sockaddr_storage g, b;
  socklen_t len;
  int family;
  if (make_addr_pair(good, bad, &g, &b, &len, &family) != 0) return EINVAL;
  const int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (struct sockaddr*)&g, len) != 0) return report(-1);
  char byte = 'x';
  struct iovec iov = {&byte, 1};
  const struct msghdr named = {
      .msg_name = &buf, .msg_namelen = len, .msg_iov = &iov, .msg_iovlen = 1};
  const struct msghdr unnamed = {.msg_iov = &iov, .msg_iovlen = 1};
  const int no_name = !strcmp(how, "unnamed");
  struct flipper f = {(char*)&buf, {(const char*)&g, (const char*)&b}, len, 0};
  memcpy(&buf, &g, len);
  message = named;
  if (no_name) {
    memcpy(&buf, &b, len);
    f = (struct flipper){(char*)&message,
                         {(const char*)&unnamed, (const char*)&named},
                         sizeof message,
                         0};
  }
  pthread_t t;
  if (pthread_create(&t, NULL, flip_name, &f) != 0) return 1;
  int sent = 0;
  for (int i = 0; i < n; ++i) {
    ssize_t rc = -1;
    if (!strcmp(how, "sendto")) {
      rc = sendto(fd, &byte, 1, MSG_DONTWAIT, (struct sockaddr*)&buf, len);
    } else if (!strcmp(how, "sendmsg") || no_name) {
      rc = sendmsg(fd, &message, MSG_DONTWAIT);
    } else if (!strcmp(how, "sendmmsg")) {
      struct mmsghdr m = {.msg_hdr = named};
      rc = sendmmsg(fd, &m, 1, MSG_DONTWAIT) == 1 ? 1 : -1;
    }
    if (rc == 1) ++sent;
  }
  f.stop = 1;
  pthread_join(t, NULL);
  printf("sent %d of %d\n", sent, n);
  return 0;
}

// unix-probe DIR: connects to unix sockets it made in DIR (by names
// relative to it, which fit in sun_path), a line each with what the kernel
// said: a connect, whether the server sees the client's effective ids, a
// connect without blocking to a full queue and one that waits for room, to
// no socket, to a file, to a socket file of mode 0, of a datagram socket,
// of one to a server of another type, and again. The same lines bare and
// under syd.
static void net_line(const char* what, int rc);
struct unix_waiter {
  int fd;
  int rc;
  int error;
};
static void* unix_connect_waiting(void* p) {
  struct unix_waiter* w = p;
  struct sockaddr_un un = {.sun_family = AF_UNIX, .sun_path = "srv.sock"};
  w->rc = connect(w->fd, (struct sockaddr*)&un, sizeof un);
  w->error = errno;
  return NULL;
}
static int unix_connect(int fd, const char* name) {
  struct sockaddr_un un = {.sun_family = AF_UNIX};
  strncpy(un.sun_path, name, sizeof un.sun_path - 1);
  return connect(fd, (struct sockaddr*)&un, sizeof un);
}
static int unix_listener(const char* name, int type, int backlog) {
  int fd = socket(AF_UNIX, type, 0);
  struct sockaddr_un un = {.sun_family = AF_UNIX};
  strncpy(un.sun_path, name, sizeof un.sun_path - 1);
  if (bind(fd, (struct sockaddr*)&un, sizeof un) != 0) return -1;
  if (type != SOCK_DGRAM && listen(fd, backlog) != 0) return -1;
  return fd;
}
static int unix_probe(const char* dir) {
  if (chdir(dir) != 0) return report(-1);
  int server = unix_listener("srv.sock", SOCK_STREAM, 0);
  int dgram = unix_listener("dg.sock", SOCK_DGRAM, 0);
  int locked = unix_listener("locked.sock", SOCK_STREAM, 4);
  if (server < 0 || dgram < 0 || locked < 0 || chmod("locked.sock", 0) != 0)
    return report(-1);
  int first = socket(AF_UNIX, SOCK_STREAM, 0);
  net_line("connect", unix_connect(first, "srv.sock"));
  int accepted = accept(server, NULL, NULL);
  // Accepted first: a connect finds the server's queue full before it
  // looks at its own socket.
  net_line("connect again", unix_connect(first, "srv.sock"));
  struct ucred peer = {0};
  socklen_t len = sizeof peer;
  getsockopt(accepted, SOL_SOCKET, SO_PEERCRED, &peer, &len);
  printf("the server sees the client's effective ids: %d\n",
         peer.uid == geteuid() && peer.gid == getegid());
  // listen(0) queues one: the second waits.
  int queued = socket(AF_UNIX, SOCK_STREAM, 0);
  net_line("connect to a queue with room", unix_connect(queued, "srv.sock"));
  int nonblocking = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  net_line("nonblocking connect to a full queue",
           unix_connect(nonblocking, "srv.sock"));
  struct unix_waiter w = {socket(AF_UNIX, SOCK_STREAM, 0), -1, 0};
  pthread_t t;
  if (pthread_create(&t, NULL, unix_connect_waiting, &w) != 0) return 1;
  usleep(200 * 1000);
  close(accept(server, NULL, NULL));
  pthread_join(t, NULL);
  errno = w.error;
  net_line("connect that waits for room", w.rc);
  int other = socket(AF_UNIX, SOCK_STREAM, 0);
  net_line("connect to no socket", unix_connect(other, "none.sock"));
  close(open("file", O_WRONLY | O_CREAT, 0600));
  net_line("connect to a file", unix_connect(other, "file"));
  net_line("connect to a socket of mode 0", unix_connect(other, "locked.sock"));
  net_line("connect to a datagram socket", unix_connect(other, "dg.sock"));
  int client = socket(AF_UNIX, SOCK_DGRAM, 0);
  net_line("datagram connect", unix_connect(client, "dg.sock"));
  char got[8] = {0};
  net_line("datagram sent", send(client, "x", 1, 0) == 1 ? 0 : -1);
  printf("datagram received: %zd\n", recv(dgram, got, sizeof got, 0));
  return 0;
}

// send-probe DIR: sends in DIR every way that shows how a send was done,
// a line each with what the kernel said and what arrived: sendto a unix
// datagram socket by its name, a sendmsg passing a descriptor, control
// messages the kernel refuses, a sendmmsg of three messages (two named,
// one to the peer) with the lengths it wrote back, the credentials a
// receiver sees, a send to a closed stream with and without MSG_NOSIGNAL
// (SIGPIPE), more than a stream holds to a reader, a blocking send that
// waits for room, an unreadable buffer, an address too long, a send on
// no socket. The same lines bare and under syd.
static volatile sig_atomic_t pipe_signals;
static void count_pipe_signal(int sig) {
  (void)sig;
  ++pipe_signals;
}
static void* read_all_later(void* p) {
  usleep(200 * 1000);
  char buf[64];
  while (recv(*(int*)p, buf, sizeof buf, MSG_DONTWAIT) >= 0) {
  }
  return NULL;
}
struct stream_reader {
  int fd;
  size_t got;
  unsigned sum;
  atomic_int started;
};
static void* read_stream(void* p) {
  struct stream_reader* r = p;
  char buf[65536];
  ssize_t n;
  atomic_store(&r->started, 1);
  while ((n = read(r->fd, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; ++i)
      r->sum = r->sum * 31 + (unsigned char)buf[i];
    r->got += (size_t)n;
  }
  return NULL;
}
static int send_probe(const char* dir) {
  if (chdir(dir) != 0) return report(-1);
  const int rx = unix_listener("rx.sock", SOCK_DGRAM, 0);
  if (rx < 0) return report(-1);
  const int on = 1;
  setsockopt(rx, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
  struct sockaddr_un to = {.sun_family = AF_UNIX, .sun_path = "rx.sock"};
  const socklen_t to_len = sizeof to;
  char buf[64];
  const int tx = socket(AF_UNIX, SOCK_DGRAM, 0);
  ssize_t n = sendto(tx, "abc", 3, 0, (struct sockaddr*)&to, to_len);
  printf("sendto by name: %zd %s\n", n, n < 0 ? strerror(errno) : "");
  n = recv(rx, buf, sizeof buf, MSG_DONTWAIT);
  printf("received: %.*s\n", (int)(n > 0 ? n : 0), buf);
  // A descriptor passed: the receiver writes through it.
  int pair[2], pipefd[2];
  if (socketpair(AF_UNIX, SOCK_DGRAM, 0, pair) != 0 || pipe(pipefd) != 0)
    return report(-1);
  char cbuf[CMSG_SPACE(sizeof(int))] __attribute__((aligned(8))) = {0};
  struct iovec iov = {"x", 1};
  struct msghdr m = {.msg_iov = &iov,
                     .msg_iovlen = 1,
                     .msg_control = cbuf,
                     .msg_controllen = sizeof cbuf};
  struct cmsghdr* cm = CMSG_FIRSTHDR(&m);
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  memcpy(CMSG_DATA(cm), &pipefd[1], sizeof(int));
  n = sendmsg(pair[0], &m, 0);
  printf("sendmsg passing a descriptor: %zd\n", n);
  char rbuf[CMSG_SPACE(sizeof(int))] __attribute__((aligned(8))) = {0};
  struct msghdr r = {.msg_iov = &(struct iovec){buf, sizeof buf},
                     .msg_iovlen = 1,
                     .msg_control = rbuf,
                     .msg_controllen = sizeof rbuf};
  int passed = -1;
  if (recvmsg(pair[1], &r, MSG_DONTWAIT) == 1 && CMSG_FIRSTHDR(&r) &&
      CMSG_FIRSTHDR(&r)->cmsg_type == SCM_RIGHTS) {
    memcpy(&passed, CMSG_DATA(CMSG_FIRSTHDR(&r)), sizeof(int));
  }
  n = passed >= 0 ? write(passed, "through", 7) : -1;
  n = n == 7 ? read(pipefd[0], buf, sizeof buf) : -1;
  printf("written through it: %.*s\n", (int)(n > 0 ? n : 0), buf);
  // A control message longer than its buffer says, and more descriptors
  // than one message passes: the kernel's EINVAL.
  cm->cmsg_len = 4096;
  n = sendmsg(pair[0], &m, 0);
  printf("a control message past its buffer: %zd %s\n", n, strerror(errno));
  int many[300];
  for (int i = 0; i < 300; ++i) many[i] = pipefd[1];
  char mbuf[CMSG_SPACE(sizeof many)] __attribute__((aligned(8))) = {0};
  m.msg_control = mbuf;
  m.msg_controllen = sizeof mbuf;
  cm = CMSG_FIRSTHDR(&m);
  cm->cmsg_len = CMSG_LEN(sizeof many);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  memcpy(CMSG_DATA(cm), many, sizeof many);
  n = sendmsg(pair[0], &m, 0);
  printf("300 descriptors: %zd %s\n", n, strerror(errno));
  // Three messages: two to rx by name, one to the peer, of 3, 5, 7 bytes.
  struct iovec v[3] = {{"one", 3}, {"three", 5}, {"seventh", 7}};
  struct mmsghdr mm[3] = {{.msg_hdr = {.msg_name = &to,
                                       .msg_namelen = to_len,
                                       .msg_iov = &v[0],
                                       .msg_iovlen = 1}},
                          {.msg_hdr = {.msg_iov = &v[1], .msg_iovlen = 1}},
                          {.msg_hdr = {.msg_name = &to,
                                       .msg_namelen = to_len,
                                       .msg_iov = &v[2],
                                       .msg_iovlen = 1}}};
  const int peer = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (connect(peer, (struct sockaddr*)&to, to_len) != 0) return report(-1);
  const int sent = sendmmsg(peer, mm, 3, 0);
  printf("sendmmsg: %d, lengths %u %u %u\n", sent, mm[0].msg_len, mm[1].msg_len,
         mm[2].msg_len);
  for (int i = 0; i < 3; ++i) {
    n = recv(rx, buf, sizeof buf, MSG_DONTWAIT);
    printf("received: %.*s\n", (int)(n > 0 ? n : 0), buf);
  }
  // The credentials the receiver is told of (its pid aside: syd's).
  n = sendto(peer, "c", 1, 0, (struct sockaddr*)&to, to_len);
  char credbuf[CMSG_SPACE(sizeof(struct ucred))]
      __attribute__((aligned(8))) = {0};
  struct msghdr cr = {.msg_iov = &(struct iovec){buf, sizeof buf},
                      .msg_iovlen = 1,
                      .msg_control = credbuf,
                      .msg_controllen = sizeof credbuf};
  struct ucred u = {0, (uid_t)-1, (gid_t)-1};
  if (recvmsg(rx, &cr, MSG_DONTWAIT) == 1 && CMSG_FIRSTHDR(&cr) &&
      CMSG_FIRSTHDR(&cr)->cmsg_type == SCM_CREDENTIALS) {
    memcpy(&u, CMSG_DATA(CMSG_FIRSTHDR(&cr)), sizeof u);
  }
  printf("the receiver is told of the sender's ids: %d\n",
         u.uid == geteuid() && u.gid == getegid());
  n = sendmsg(peer, &(struct msghdr){.msg_iov = &v[0], .msg_iovlen = 1}, 0);
  printf("sendmsg to the peer: %zd\n", n);
  n = recv(rx, buf, sizeof buf, MSG_DONTWAIT);
  printf("received: %.*s\n", (int)(n > 0 ? n : 0), buf);
  // A closed stream: EPIPE, and SIGPIPE unless MSG_NOSIGNAL.
  signal(SIGPIPE, count_pipe_signal);
  int stream[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, stream) != 0) return report(-1);
  close(stream[1]);
  n = sendmsg(stream[0], &(struct msghdr){.msg_iov = &v[0], .msg_iovlen = 1},
              0);
  printf("to a closed stream: %zd %s, SIGPIPE %d\n", n, strerror(errno),
         (int)pipe_signals);
  n = sendmsg(stream[0], &(struct msghdr){.msg_iov = &v[0], .msg_iovlen = 1},
              MSG_NOSIGNAL);
  printf("again with MSG_NOSIGNAL: %zd %s, SIGPIPE %d\n", n, strerror(errno),
         (int)pipe_signals);
  // More than the stream holds, to a reader: all of it goes, in order.
  int stream_pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, stream_pair) != 0) return report(-1);
  const size_t size = 4 << 20;
  char* bytes = malloc(size);
  unsigned want = 0;
  for (size_t i = 0; i < size; ++i) {
    bytes[i] = (char)(i * 7 + i / 251);
    want = want * 31 + (unsigned char)bytes[i];
  }
  struct stream_reader sr = {stream_pair[1], 0, 0, 0};
  pthread_t sr_thread;
  pthread_create(&sr_thread, NULL, read_stream, &sr);
  // Reading already: under ptrace a thread just made waits for syd to
  // let it start, which syd, sending, does not do meanwhile.
  for (int i = 0; i < 5000 && !atomic_load(&sr.started); ++i) usleep(1000);
  n = sendmsg(stream_pair[0],
              &(struct msghdr){.msg_iov = &(struct iovec){bytes, size},
                               .msg_iovlen = 1},
              0);
  close(stream_pair[0]);
  pthread_join(sr_thread, NULL);
  printf("a stream of 4 MiB: %zd, read %zu, same bytes %d\n", n, sr.got,
         sr.sum == want);
  free(bytes);
  // Full: a blocking send waits until the other end reads.
  int full[2];
  if (socketpair(AF_UNIX, SOCK_DGRAM, 0, full) != 0) return report(-1);
  int queued = 0;
  while (queued < 100000 && send(full[0], "f", 1, MSG_DONTWAIT) == 1) ++queued;
  n = sendmsg(full[0], &(struct msghdr){.msg_iov = &v[0], .msg_iovlen = 1},
              MSG_DONTWAIT);
  printf("full, without blocking: %zd %s\n", n, strerror(errno));
  pthread_t reader;
  pthread_create(&reader, NULL, read_all_later, &full[1]);
  n = sendmsg(full[0], &(struct msghdr){.msg_iov = &v[0], .msg_iovlen = 1}, 0);
  printf("full, blocking: %zd\n", n);
  pthread_join(reader, NULL);
  n = sendmsg(peer,
              &(struct msghdr){.msg_iov = &(struct iovec){(void*)8, 4},
                               .msg_iovlen = 1},
              0);
  printf("unreadable buffer: %zd %s\n", n, strerror(errno));
  struct sockaddr_storage big[2] = {0};
  memcpy(big, &to, sizeof to);
  n = sendto(tx, "x", 1, 0, (struct sockaddr*)big, sizeof big);
  printf("address too long: %zd %s\n", n, strerror(errno));
  n = sendmsg(pipefd[0], &(struct msghdr){.msg_iov = &v[0], .msg_iovlen = 1},
              0);
  printf("on no socket: %zd %s\n", n, strerror(errno));
  n = sendto(1000, "x", 1, 0, (struct sockaddr*)&to, to_len);
  printf("on no descriptor: %zd %s\n", n, strerror(errno));
  return 0;
}

// net-probe PORT: binds and connects on loopback, a line each with what
// the kernel said (errno name or "ok"): a bind twice, a bind in use, a
// bind of a port below 1024, a connect to nothing, a connect to a
// listener (blocking and not), a UDP connect, and the address a socket
// got. The same lines bare and under syd.
static void net_line(const char* what, int rc) {
  printf("%s: %s\n", what, rc == 0 ? "ok" : strerror(errno));
}
static int net_probe(int port) {
  struct sockaddr_in in = {.sin_family = AF_INET,
                           .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, "127.0.0.1", &in.sin_addr);
  const struct sockaddr* a = (const struct sockaddr*)&in;
  int server = socket(AF_INET, SOCK_STREAM, 0);
  net_line("bind", bind(server, a, sizeof in));
  net_line("bind again", bind(server, a, sizeof in));
  int other = socket(AF_INET, SOCK_STREAM, 0);
  net_line("bind in use", bind(other, a, sizeof in));
  net_line("connect to nothing", connect(other, a, sizeof in));
  close(other);
  net_line("listen", listen(server, 4));
  int client = socket(AF_INET, SOCK_STREAM, 0);
  net_line("connect", connect(client, a, sizeof in));
  net_line("connect again", connect(client, a, sizeof in));
  struct sockaddr_in peer;
  socklen_t plen = sizeof peer;
  net_line("peer", getpeername(client, (struct sockaddr*)&peer, &plen));
  printf("peer port %d\n", ntohs(peer.sin_port) == port);
  close(client);
  client = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int rc = connect(client, a, sizeof in);
  printf("nonblocking connect: %s\n", rc == 0 || errno == EINPROGRESS
                                          ? "ok or in progress"
                                          : strerror(errno));
  printf("still nonblocking: %d\n", (fcntl(client, F_GETFL) & O_NONBLOCK) != 0);
  close(client);
  int udp = socket(AF_INET, SOCK_DGRAM, 0);
  net_line("udp connect", connect(udp, a, sizeof in));
  struct sockaddr_in low = in;
  low.sin_port = htons(1);
  int privileged = socket(AF_INET, SOCK_STREAM, 0);
  net_line("bind port 1", bind(privileged, (struct sockaddr*)&low, sizeof low));
  struct sockaddr_in bad = in;
  bad.sin_family = AF_INET6;
  net_line("bind with a wrong family",
           bind(udp, (struct sockaddr*)&bad, sizeof bad));
  net_line("bind a bad descriptor", bind(999, a, sizeof in));
  return 0;
}

// race-exec GOOD BAD N: N times, a child whose second thread rewrites a
// buffer with GOOD, then BAD (programs with names of one length), while
// its first execs the name in it. GOOD exits 0 and BAD 1 (copies of true
// and false); prints how many children ran each, and how many execs
// failed (the child exits 99).
static int race_exec(const char* good, const char* bad, int n) {
  static char buf[4096];
  const size_t len = strlen(good);
  if (len != strlen(bad) || len >= sizeof buf) return EINVAL;
  int ran_good = 0;
  int ran_bad = 0;
  int failed = 0;
  for (int i = 0; i < n; ++i) {
    const pid_t pid = fork();
    if (pid < 0) return errno;
    if (pid == 0) {
      memcpy(buf, good, len + 1);
      struct flipper f = {buf, {good, bad}, len, 0};
      pthread_t t;
      if (pthread_create(&t, NULL, flip_name, &f) != 0) _exit(98);
      char* const argv[] = {buf, NULL};
      execv(buf, argv);
      _exit(99);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return 1;
    const int code = WEXITSTATUS(status);
    if (code == 0) ++ran_good;
    if (code == 1) ++ran_bad;
    if (code == 99) ++failed;
  }
  printf("ran good %d, ran bad %d, failed %d\n", ran_good, ran_bad, failed);
  return 0;
}

// meta-probe DIR: changes metadata by name in DIR every way that shows how
// it was done (chmod, chown, truncate, times, xattrs, through links and
// not, and the errors of names and values the kernel refuses), a line
// each with the file's state after: the same lines bare and under syd.
// A struct argument of `known` bytes on an unreadable page, followed by
// one readable byte that is not zero: the kernel checks the bytes past
// what it knows first (E2BIG), before it reads the rest (EFAULT).
static void* struct_past_guard(size_t known) {
  const long page = sysconf(_SC_PAGESIZE);
  char* two = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (two == MAP_FAILED) return NULL;
  two[page] = 1;
  mprotect(two, page, PROT_NONE);
  return two + page - known;
}

static void meta_line(const char* what, int rc, const char* path) {
  if (rc != 0) {
    printf("%s: %s\n", what, strerror(errno));
    return;
  }
  struct stat st;
  if (lstat(path, &st) != 0) {
    printf("%s: lstat %s\n", what, strerror(errno));
    return;
  }
  char value[64] = {0};
  ssize_t n = lgetxattr(path, "user.t", value, sizeof value - 1);
  // A time set to now differs from run to run: "now".
  char times[2][48];
  const struct timespec* t[2] = {&st.st_atim, &st.st_mtim};
  for (int i = 0; i < 2; ++i) {
    if (t[i]->tv_sec > time(NULL) - 60)
      snprintf(times[i], sizeof times[i], "now");
    else
      snprintf(times[i], sizeof times[i], "%lld.%ld", (long long)t[i]->tv_sec,
               t[i]->tv_nsec);
  }
  printf("%s: mode=%o uid=%d gid=%d size=%lld atime=%s mtime=%s xattr=%s\n",
         what, st.st_mode & 07777, st.st_uid, st.st_gid, (long long)st.st_size,
         times[0], times[1], n >= 0 ? value : strerror(errno));
}
static int meta_probe(const char* dir) {
  if (chdir(dir) != 0) return report(-1);
  int fd = open("f", O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0 || write(fd, "contents", 8) != 8 || close(fd) != 0 ||
      symlink("f", "link") != 0 || mkfifo("fifo", 0600) != 0 ||
      mkdir("d", 0755) != 0)
    return report(-1);
  struct timespec old[2] = {{10, 1}, {20, 2}};
  utimensat(AT_FDCWD, "f", old, 0);
  meta_line("chmod", chmod("f", 0600), "f");
  meta_line("chmod-suid", chmod("f", 04755), "f");
  meta_line("fchmodat", syscall(SYS_fchmodat, AT_FDCWD, "f", 0640), "f");
  meta_line("fchmodat2-link",
            syscall(452, AT_FDCWD, "link", 0600, AT_SYMLINK_NOFOLLOW), "f");
  meta_line("chmod-link", chmod("link", 0644), "f");
  meta_line("chmod-missing", chmod("missing", 0600), "f");
  meta_line("chmod-slash", chmod("f/", 0600), "f");
  meta_line("chmod-dotdot", chmod("missing/../f", 0600), "f");
  meta_line("chmod-dir", chmod("d/", 0700), "d");
  meta_line("chmod-fifo", chmod("fifo", 0644), "fifo");
  meta_line("chown", chown("f", 65534, 65534), "f");
  meta_line("chown-keep", chown("f", -1, -1), "f");
  meta_line("lchown", lchown("link", 1, 1), "link");
  meta_line("fchownat", fchownat(AT_FDCWD, "link", 2, 2, 0), "f");
  meta_line("fchownat-nofollow",
            fchownat(AT_FDCWD, "link", 3, 3, AT_SYMLINK_NOFOLLOW), "link");
  meta_line("truncate", truncate("f", 3), "f");
  meta_line("truncate-link", truncate("link", 2), "f");
  meta_line("truncate-negative", truncate("f", -1), "f");
  meta_line("truncate-dir", truncate("d", 0), "d");
  meta_line("truncate-fifo", truncate("fifo", 0), "fifo");
  struct utimbuf ub = {100, 200};
  meta_line("utime", utime("f", &ub), "f");
  struct timeval tv[2] = {{1, 5}, {2, 6}};
  meta_line("utimes", utimes("f", tv), "f");
  struct timeval bad_tv[2] = {{1, 1000000}, {2, 0}};
  meta_line("utimes-usec", utimes("f", bad_tv), "f");
  meta_line("futimesat", syscall(SYS_futimesat, AT_FDCWD, "f", tv), "f");
  struct timespec ts[2] = {{3, 7}, {4, 8}};
  meta_line("utimensat", utimensat(AT_FDCWD, "f", ts, 0), "f");
  struct timespec omit[2] = {{5, UTIME_OMIT}, {6, 9}};
  meta_line("utimensat-omit", utimensat(AT_FDCWD, "f", omit, 0), "f");
  struct timespec link_ts[2] = {{7, 0}, {8, 0}};
  meta_line("utimensat-link",
            utimensat(AT_FDCWD, "link", link_ts, AT_SYMLINK_NOFOLLOW), "link");
  struct timespec bad_ts[2] = {{1, 2000000000}, {2, 0}};
  meta_line("utimensat-nsec", utimensat(AT_FDCWD, "f", bad_ts, 0), "f");
  meta_line("utimes-fault", (int)syscall(SYS_utimes, "f", (void*)8), "f");
  meta_line("utimes-now", utimes("d", NULL), "d");
  meta_line("setxattr", setxattr("f", "user.t", "abc", 3, 0), "f");
  meta_line("setxattr-create", setxattr("f", "user.t", "abd", 3, XATTR_CREATE),
            "f");
  meta_line("setxattr-replace",
            setxattr("f", "user.t", "xyz", 3, XATTR_REPLACE), "f");
  meta_line("setxattr-link", setxattr("link", "user.t", "lnk", 3, 0), "f");
  meta_line("lsetxattr-link", lsetxattr("link", "user.t", "no", 2, 0), "link");
  meta_line("setxattr-fault",
            (int)syscall(SYS_setxattr, "f", "user.t", (void*)8, 3, 0), "f");
  meta_line("setxattr-empty-name", setxattr("f", "", "v", 1, 0), "f");
  meta_line("removexattr", removexattr("f", "user.t"), "f");
  meta_line("removexattr-again", removexattr("f", "user.t"), "f");
  // A link's own attribute: user.* the kernel refuses there, trusted.*
  // (root's) it sets.
  char value[8] = {0};
  int rc = lsetxattr("link", "trusted.t", "tl", 2, 0);
  printf("lsetxattr-link-trusted: %s %zd %s\n", rc ? strerror(errno) : "ok",
         lgetxattr("link", "trusted.t", value, sizeof value - 1), value);
  printf("removexattr-link-trusted: %s\n",
         lremovexattr("link", "trusted.t") ? strerror(errno) : "ok");
  // setxattrat and removexattrat (Linux 6.13): the struct, its size, the
  // bytes past what the kernel knows, bad pointers and flags.
  struct {
    struct xattr_args_v0 v0;
    uint64_t more;
  } xa = {{(uint64_t)(uintptr_t) "at1", 3, 0}, 0};
  meta_line("setxattrat",
            (int)syscall(SYS_setxattrat, AT_FDCWD, "f", 0, "user.t", &xa, 16),
            "f");
  xa.v0.flags = XATTR_CREATE;
  meta_line("setxattrat-create",
            (int)syscall(SYS_setxattrat, AT_FDCWD, "f", 0, "user.t", &xa, 16),
            "f");
  xa.v0.flags = 0;
  xa.v0.value = (uint64_t)(uintptr_t) "at2";
  meta_line("setxattrat-larger",
            (int)syscall(SYS_setxattrat, AT_FDCWD, "f", 0, "user.t", &xa, 24),
            "f");
  xa.more = 1;
  meta_line("setxattrat-unknown",
            (int)syscall(SYS_setxattrat, AT_FDCWD, "f", 0, "user.t", &xa, 24),
            "f");
  xa.more = 0;
  meta_line("setxattrat-small",
            (int)syscall(SYS_setxattrat, AT_FDCWD, "f", 0, "user.t", &xa, 8),
            "f");
  meta_line("setxattrat-page",
            (int)syscall(SYS_setxattrat, AT_FDCWD, "f", 0, "user.t", &xa, 8192),
            "f");
  meta_line(
      "setxattrat-page-fault",
      (int)syscall(SYS_setxattrat, AT_FDCWD, "f", 0, "user.t", (void*)8, 8192),
      "f");
  meta_line("setxattrat-unknown-fault",
            (int)syscall(SYS_setxattrat, AT_FDCWD, "f", 0, "user.t",
                         struct_past_guard(16), 17),
            "f");
  meta_line(
      "setxattrat-fault",
      (int)syscall(SYS_setxattrat, AT_FDCWD, "f", 0, "user.t", (void*)8, 16),
      "f");
  xa.v0.value = 8;
  meta_line("setxattrat-value-fault",
            (int)syscall(SYS_setxattrat, AT_FDCWD, "f", 0, "user.t", &xa, 16),
            "f");
  xa.v0.value = (uint64_t)(uintptr_t) "at3";
  xa.v0.flags = 0x100;
  meta_line("setxattrat-bad-flags",
            (int)syscall(SYS_setxattrat, AT_FDCWD, "f", 0, "user.t", &xa, 16),
            "f");
  xa.v0.flags = 0;
  meta_line(
      "setxattrat-bad-atflags",
      (int)syscall(SYS_setxattrat, AT_FDCWD, "f", 0x1000, "user.t", &xa, 16),
      "f");
  meta_line(
      "setxattrat-link",
      (int)syscall(SYS_setxattrat, AT_FDCWD, "link", 0, "user.t", &xa, 16),
      "f");
  meta_line("setxattrat-nofollow-link",
            (int)syscall(SYS_setxattrat, AT_FDCWD, "link", AT_SYMLINK_NOFOLLOW,
                         "user.t", &xa, 16),
            "link");
  meta_line("removexattrat-nofollow-link",
            (int)syscall(SYS_removexattrat, AT_FDCWD, "link",
                         AT_SYMLINK_NOFOLLOW, "user.t"),
            "link");
  meta_line("removexattrat",
            (int)syscall(SYS_removexattrat, AT_FDCWD, "f", 0, "user.t"), "f");
  meta_line("removexattrat-again",
            (int)syscall(SYS_removexattrat, AT_FDCWD, "f", 0, "user.t"), "f");
  return 0;
}

// fd-meta-probe DIR: changes metadata through descriptors in DIR every way
// that shows how it was done (a descriptor opened read-only and O_PATH, a
// NULL and an empty name with and without AT_EMPTY_PATH, AT_FDCWD for the
// cwd, bad pointers, attribute flags), a line each with the file's state after:
// the same lines bare and under syd.
static void flags_line(const char* what, int rc, int fd) {
  int flags = 0;
  if (rc != 0) {
    printf("%s: %s\n", what, strerror(errno));
  } else if (ioctl(fd, FS_IOC_GETFLAGS, &flags) != 0) {
    printf("%s: ok, flags %s\n", what, strerror(errno));
  } else {
    printf("%s: ok, nodump %d\n", what, (flags & FS_NODUMP_FL) != 0);
  }
}
static int fd_meta_probe(const char* dir) {
  if (chdir(dir) != 0) return report(-1);
  int fd = open("f", O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0 || write(fd, "contents", 8) != 8 || close(fd) != 0 ||
      mkdir("d", 0755) != 0)
    return report(-1);
  struct timespec old[2] = {{10, 1}, {20, 2}};
  utimensat(AT_FDCWD, "f", old, 0);
  const int r = open("f", O_RDONLY);
  const int o = open("f", O_PATH);
  if (r < 0 || o < 0) return report(-1);
  meta_line("fchmod", fchmod(r, 0600), "f");
  meta_line("fchmod-suid", fchmod(r, 04755), "f");
  meta_line("fchmod-path", fchmod(o, 0644), "f");
  meta_line("fchmodat-empty", (int)syscall(SYS_fchmodat, r, "", 0640), "f");
  meta_line("fchmodat2-empty-path",
            (int)syscall(452, o, "", 0640, AT_EMPTY_PATH), "f");
  meta_line("fchmodat2-empty", (int)syscall(452, r, "", 0600, 0), "f");
  meta_line("fchown", fchown(r, 65534, 65534), "f");
  meta_line("fchown-keep", fchown(r, -1, -1), "f");
  meta_line("fchown-path", fchown(o, 1, 1), "f");
  meta_line("fchownat-empty-path", fchownat(o, "", 2, 2, AT_EMPTY_PATH), "f");
  meta_line("fchownat-empty", fchownat(r, "", 3, 3, 0), "f");
  if (chdir("d") != 0) return report(-1);
  meta_line("fchownat-cwd", fchownat(AT_FDCWD, "", 4, 4, AT_EMPTY_PATH), ".");
  if (chdir("..") != 0) return report(-1);
  struct timespec ts[2] = {{3, 7}, {4, 8}};
  meta_line("futimens", futimens(r, ts), "f");
  struct timespec omit[2] = {{5, UTIME_OMIT}, {6, 9}};
  meta_line("futimens-omit", futimens(r, omit), "f");
  meta_line("futimens-path", futimens(o, ts), "f");
  struct timespec bad_ts[2] = {{1, 2000000000}, {2, 0}};
  meta_line("futimens-nsec", futimens(r, bad_ts), "f");
  meta_line("futimens-fault", (int)syscall(SYS_utimensat, r, NULL, (void*)8, 0),
            "f");
  meta_line("utimensat-empty-path", utimensat(o, "", ts, AT_EMPTY_PATH), "f");
  meta_line("utimensat-empty", utimensat(r, "", ts, 0), "f");
  meta_line("utimensat-cwd-null",
            (int)syscall(SYS_utimensat, AT_FDCWD, NULL, ts, 0), "f");
  struct timeval tv[2] = {{1, 5}, {2, 6}};
  meta_line("futimesat-null", (int)syscall(SYS_futimesat, r, NULL, tv), "f");
  struct timeval bad_tv[2] = {{1, 1000000}, {2, 0}};
  meta_line("futimesat-usec", (int)syscall(SYS_futimesat, r, NULL, bad_tv),
            "f");
  meta_line("fsetxattr", fsetxattr(r, "user.t", "fd1", 3, 0), "f");
  meta_line("fsetxattr-create", fsetxattr(r, "user.t", "fd2", 3, XATTR_CREATE),
            "f");
  meta_line("fsetxattr-path", fsetxattr(o, "user.t", "fd3", 3, 0), "f");
  meta_line("fsetxattr-fault",
            (int)syscall(SYS_fsetxattr, r, "user.t", (void*)8, 3, 0), "f");
  meta_line("fsetxattr-empty-name", fsetxattr(r, "", "v", 1, 0), "f");
  struct xattr_args_v0 xa = {(uint64_t)(uintptr_t) "at1", 3, 0};
  meta_line("setxattrat-empty-path",
            (int)syscall(SYS_setxattrat, o, "", AT_EMPTY_PATH, "user.t", &xa,
                         sizeof xa),
            "f");
  meta_line("setxattrat-empty",
            (int)syscall(SYS_setxattrat, r, "", 0, "user.t", &xa, sizeof xa),
            "f");
  meta_line("fremovexattr", fremovexattr(r, "user.t"), "f");
  meta_line("fremovexattr-again", fremovexattr(r, "user.t"), "f");
  meta_line("removexattrat-empty-path",
            (int)syscall(SYS_removexattrat, o, "", AT_EMPTY_PATH, "user.t"),
            "f");
  // The file system's own flags kept (ext4 refuses to clear extents).
  int flags = 0;
  printf("getflags: %s\n",
         ioctl(r, FS_IOC_GETFLAGS, &flags) ? strerror(errno) : "ok");
  int nodump = flags | FS_NODUMP_FL;
  flags_line("setflags", ioctl(r, FS_IOC_SETFLAGS, &nodump), r);
  flags_line("setflags-fault", ioctl(r, FS_IOC_SETFLAGS, (void*)8), r);
  flags_line("setflags-path", ioctl(o, FS_IOC_SETFLAGS, &nodump), r);
  flags_line("setflags-clear", ioctl(r, FS_IOC_SETFLAGS, &flags), r);
  struct fsxattr fsx;
  memset(&fsx, 0, sizeof fsx);
  if (ioctl(r, FS_IOC_FSGETXATTR, &fsx) == 0) {
    fsx.fsx_xflags |= FS_XFLAG_NODUMP;
    flags_line("fssetxattr", ioctl(r, FS_IOC_FSSETXATTR, &fsx), r);
  }
  return 0;
}

// open-probe DIR: opens in DIR every way that shows how an open was done
// (descriptor number, close-on-exec, status flags, the mode a create got
// under umask 027, the errors of names the kernel refuses), one line
// each: the same lines bare and under syd.
static void probe_line(const char* what, int fd) {
  if (fd < 0) {
    printf("%s: %s\n", what, strerror(errno));
    return;
  }
  struct stat st;
  fstat(fd, &st);
  printf("%s: fd=%d cloexec=%d flags=%#x mode=%o size=%lld\n", what, fd,
         (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0,
         fcntl(fd, F_GETFL) &
             // The kernel's O_LARGEFILE (glibc's is 0 on x86_64).
             (O_ACCMODE | O_APPEND | O_NONBLOCK | O_NOATIME | O_PATH | 0100000),
         st.st_mode & 07777, (long long)st.st_size);
}
static int open_probe(const char* dir) {
  if (chdir(dir) != 0) return report(-1);
  umask(027);
  int a = open("p1", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_APPEND, 0666);
  probe_line("create", a);
  if (a >= 0 && write(a, "data", 4) != 4) return report(-1);
  probe_line("reopen", open("p1", O_RDWR | O_NONBLOCK));
  probe_line("excl", open("p1", O_WRONLY | O_CREAT | O_EXCL, 0600));
  probe_line("slash", open("p1/", O_RDONLY));
  probe_line("slash-create", open("p9/", O_WRONLY | O_CREAT, 0600));
  probe_line("dotdot", open("missing/../p1", O_RDONLY));
  probe_line("file-dotdot", open("p1/../p1", O_RDONLY));
  probe_line("dir-write", open(".", O_WRONLY));
  probe_line("dir", open(".", O_RDONLY | O_DIRECTORY));
  struct open_how how = {O_WRONLY | O_CREAT, 0640, 0};
  probe_line("openat2",
             (int)syscall(SYS_openat2, AT_FDCWD, "p2", &how, sizeof how));
  struct open_how bad = {O_WRONLY, 0640, 0};  // a mode without a create
  probe_line("openat2-mode",
             (int)syscall(SYS_openat2, AT_FDCWD, "p2", &bad, sizeof bad));
  probe_line("creat", creat("p3", 0777));
  probe_line("trunc", open("p1", O_WRONLY | O_TRUNC));
  probe_line("tmpfile", open(".", O_TMPFILE | O_RDWR, 0600));
  if (symlink("p1", "link") != 0 || mkfifo("fifo", 0600) != 0)
    return report(-1);
  probe_line("nofollow", open("link", O_WRONLY | O_NOFOLLOW));
  probe_line("follow", open("link", O_WRONLY | O_APPEND));
  // O_PATH opens nothing (a FIFO with no writer, a link itself, a
  // device); open(2) drops the flags O_PATH does not take (no create),
  // openat2 refuses them.
  probe_line("path", open("p1", O_PATH));
  probe_line("path-cloexec", open("p1", O_PATH | O_CLOEXEC));
  probe_line("path-fifo", open("fifo", O_PATH));
  probe_line("path-link", open("link", O_PATH | O_NOFOLLOW));
  probe_line("path-dir", open(".", O_PATH | O_DIRECTORY));
  probe_line("path-not-dir", open("p1", O_PATH | O_DIRECTORY));
  probe_line("path-create", open("p8", O_PATH | O_CREAT | O_WRONLY, 0600));
  probe_line("path-null", open("/dev/null", O_PATH));
  struct open_how path_how = {O_PATH, 0, 0};
  probe_line("openat2-path", (int)syscall(SYS_openat2, AT_FDCWD, "p1",
                                          &path_how, sizeof path_how));
  path_how.flags = O_PATH | O_CREAT;
  path_how.mode = 0600;
  probe_line("openat2-path-create", (int)syscall(SYS_openat2, AT_FDCWD, "p8",
                                                 &path_how, sizeof path_how));
  struct open_how nolinks = {O_WRONLY, 0, RESOLVE_NO_SYMLINKS};
  probe_line("no-symlinks", (int)syscall(SYS_openat2, AT_FDCWD, "link",
                                         &nolinks, sizeof nolinks));
  probe_line("fifo", open("fifo", O_RDWR));
  // The FIFO has a reader now (the line above): neither open waits.
  probe_line("fifo-read-nonblock", open("fifo", O_RDONLY | O_NONBLOCK));
  probe_line("fifo-write-reader", open("fifo", O_WRONLY));
  if (mkfifo("fifo2", 0600) != 0) return report(-1);
  probe_line("fifo-write-alone", open("fifo2", O_WRONLY | O_NONBLOCK));
  struct sockaddr_un un = {.sun_family = AF_UNIX, .sun_path = "sock"};
  const int sock = socket(AF_UNIX, SOCK_STREAM, 0);
  if (sock < 0 || bind(sock, (struct sockaddr*)&un, sizeof un) != 0)
    return report(-1);
  probe_line("socket", open("sock", O_RDONLY));
  probe_line("null", open("/dev/null", O_RDONLY));
  probe_line("missing", open("nothing", O_RDONLY));
  // open_how larger than the kernel knows: zero past it, or not; smaller;
  // past a page.
  struct {
    struct open_how how;
    uint64_t more;
  } larger = {{O_WRONLY | O_CREAT, 0640, 0}, 0};
  probe_line("openat2-larger",
             (int)syscall(SYS_openat2, AT_FDCWD, "p3", &larger, sizeof larger));
  larger.more = 1;
  probe_line("openat2-unknown",
             (int)syscall(SYS_openat2, AT_FDCWD, "p4", &larger, sizeof larger));
  probe_line("openat2-small",
             (int)syscall(SYS_openat2, AT_FDCWD, "p4", &larger, 16));
  probe_line("openat2-page",
             (int)syscall(SYS_openat2, AT_FDCWD, "p4", &larger, 8192));
  probe_line("openat2-page-fault",
             (int)syscall(SYS_openat2, AT_FDCWD, "p4", (void*)8, 8192));
  probe_line("openat2-unknown-fault",
             (int)syscall(SYS_openat2, AT_FDCWD, "p4",
                          struct_past_guard(sizeof(struct open_how)),
                          sizeof(struct open_how) + 1));
  probe_line("openat2-p4", open("p4", O_RDONLY));
  // An empty name, which no open takes (the kernel's checks of flags
  // first).
  const int here = open(".", O_PATH | O_DIRECTORY);
  probe_line("empty", open("", O_RDONLY));
  probe_line("empty-create", openat(here, "", O_WRONLY | O_CREAT, 0600));
  probe_line("empty-tmpfile", openat(here, "", O_TMPFILE | O_RDONLY, 0600));
  probe_line("creat-empty", creat("", 0600));
  struct open_how both = {O_RDONLY, 0, RESOLVE_BENEATH | RESOLVE_IN_ROOT};
  probe_line("openat2-empty-resolve",
             (int)syscall(SYS_openat2, here, "", &both, sizeof both));
  probe_line("openat2-empty-small",
             (int)syscall(SYS_openat2, here, "", &both, 16));
  struct open_how plain = {O_WRONLY | O_CREAT, 0600, 0};
  probe_line("openat2-empty",
             (int)syscall(SYS_openat2, here, "", &plain, sizeof plain));
  return 0;
}

// fifo-wait-probe DIR: opens of a FIFO in DIR that wait for the other
// end, a line each: a read end whose writer comes 0.2 s later, a write
// end whose reader comes then, and the errors the kernel gives before it
// waits. The same lines bare and under syd.
static int fifo_wait_probe(const char* dir) {
  if (chdir(dir) != 0 || mkfifo("w", 0600) != 0) return report(-1);
  for (int reader_waits = 1; reader_waits >= 0; --reader_waits) {
    fflush(stdout);
    const pid_t child = fork();
    if (child < 0) return report(-1);
    if (child == 0) {
      usleep(200 * 1000);
      const int fd = open("w", reader_waits ? O_WRONLY : O_RDONLY);
      if (fd < 0) _exit(1);
      char got[8] = {0};
      if (reader_waits ? write(fd, "hello", 5) != 5 : read(fd, got, 5) != 5)
        _exit(1);
      _exit(reader_waits || !strcmp(got, "hello") ? 0 : 1);
    }
    const int fd = open("w", reader_waits ? O_RDONLY : O_WRONLY | O_CLOEXEC);
    probe_line(reader_waits ? "reader waits" : "writer waits", fd);
    char got[8] = {0};
    if (reader_waits)
      printf("read: %s\n", fd >= 0 && read(fd, got, 5) == 5 ? got : "-");
    else
      printf("wrote: %s\n",
             fd >= 0 && write(fd, "hello", 5) == 5 ? "yes" : "-");
    close(fd);
    int status = 0;
    waitpid(child, &status, 0);
    printf("other end: %s\n", status == 0 ? "ok" : "failed");
  }
  probe_line("excl", open("w", O_RDONLY | O_CREAT | O_EXCL, 0600));
  probe_line("directory", open("w", O_RDONLY | O_DIRECTORY));
  return 0;
}

// write-and-run DIR N [chmod]: two processes, each N times: a copy of
// /bin/true written to DIR, closed and run at once, as a build runs what
// it just linked (chmod: written with no one's execute bit, which chmod
// then gives it). Each prints "ran R, busy B, of N": B the runs that failed
// with ETXTBSY (someone still held the file open for writing).
static int write_and_run(const char* dir, int n, int then_chmod) {
  static char image[1 << 20];
  const int src = open("/bin/true", O_RDONLY | O_CLOEXEC);
  const ssize_t size = src >= 0 ? read(src, image, sizeof image) : -1;
  if (size <= 0) return report(-1);
  close(src);
  fflush(stdout);
  const pid_t other = fork();
  if (other < 0) return report(-1);
  int ran = 0, busy = 0;
  for (int i = 0; i < n; ++i) {
    char name[4096];
    snprintf(name, sizeof name, "%s/run-%d-%d", dir, other == 0, i);
    const int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                        then_chmod ? 0644 : 0755);
    if (fd < 0) return report(-1);
    const int written = write(fd, image, size) == size;
    close(fd);
    if (!written || (then_chmod && chmod(name, 0755) != 0)) return report(-1);
    const pid_t child = fork();
    if (child < 0) return report(-1);
    if (child == 0) {
      char* args[] = {name, NULL};
      execv(name, args);
      _exit(errno == ETXTBSY ? 100 : 101);
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) ++ran;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 100) ++busy;
    unlink(name);
  }
  printf("ran %d, busy %d, of %d\n", ran, busy, n);
  if (other == 0) _exit(0);
  int status = 0;
  waitpid(other, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

// pty-probe: a pseudo-terminal opened as terminal programs open one: the
// multiplexer, its slave without taking it (O_NOCTTY), a line written
// through it; then a child that leads a new session opens the slave and
// makes it its terminal as glibc's login_tty does (TIOCSCTTY), and opens
// /dev/tty, through which a line reaches the multiplexer; and a child
// that leads a session with no terminal opens /dev/tty. A line each: the
// same bare and under syd.
static int pty_probe(void) {
  const int master = posix_openpt(O_RDWR | O_NOCTTY);
  probe_line("ptmx", master);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0)
    return report(-1);
  char name[64];
  if (ptsname_r(master, name, sizeof name) != 0) return report(-1);
  const int slave = open(name, O_RDWR | O_NOCTTY);
  probe_line("slave", slave);
  char got[8] = {0};
  printf("through: %s\n",
         slave >= 0 && write(slave, "x", 1) == 1 && read(master, got, 1) == 1
             ? got
             : strerror(errno));
  printf("taken: %s\n", slave >= 0 && tcgetsid(slave) >= 0 ? "yes" : "no");
  fflush(stdout);
  const pid_t child = fork();
  if (child < 0) return report(-1);
  if (child == 0) {
    if (setsid() < 0) _exit(1);
    const int own = open(name, O_RDWR);
    const int took = own >= 0 ? ioctl(own, TIOCSCTTY, 0) : -1;
    printf("leader opens: %s, %s\n", own < 0 ? strerror(errno) : "opened",
           took == 0 && tcgetsid(own) == getpid() ? "its terminal"
                                                  : "not its terminal");
    const int tty = open("/dev/tty", O_RDWR);
    char back[8] = {0};
    printf("its /dev/tty: %s, through it: %s\n",
           tty < 0 ? strerror(errno) : "opened",
           tty >= 0 && write(tty, "y", 1) == 1 && read(master, back, 1) == 1
               ? back
               : strerror(errno));
    fflush(stdout);
    _exit(0);
  }
  int status = 0;
  if (waitpid(child, &status, 0) != child || status != 0) return 1;
  const pid_t lone = fork();
  if (lone < 0) return report(-1);
  if (lone == 0) {
    if (setsid() < 0) _exit(1);
    const int tty = open("/dev/tty", O_RDWR);
    printf("no terminal, /dev/tty: %s\n", tty < 0 ? strerror(errno) : "opened");
    // The kernel's errors before it opens the device.
    const int excl = open("/dev/tty", O_RDWR | O_CREAT | O_EXCL, 0600);
    printf("/dev/tty O_EXCL: %s\n", excl < 0 ? strerror(errno) : "opened");
    const int dir = open("/dev/tty", O_RDONLY | O_DIRECTORY);
    printf("/dev/tty O_DIRECTORY: %s\n", dir < 0 ? strerror(errno) : "opened");
    fflush(stdout);
    _exit(0);
  }
  return waitpid(lone, &status, 0) == lone && status == 0 ? 0 : 1;
}

// proc-self-probe: opens of names in the process's own /proc/self and
// /proc/thread-self, a line each, and what was read or written through
// them: the same lines bare and under syd.
static char proc_marker[] = "marker";
static int proc_self_probe(void) {
  const int comm = open("/proc/self/comm", O_WRONLY);
  probe_line("comm", comm);
  if (comm < 0 || write(comm, "probe", 5) != 5) return report(-1);
  char got[32] = {0};
  const int back = open("/proc/thread-self/comm", O_RDONLY);
  probe_line("thread-comm", back);
  printf("comm now: %s",
         back >= 0 && read(back, got, sizeof got - 1) > 0 ? got : "(unread)\n");
  const int mem = open("/proc/self/mem", O_RDWR);
  probe_line("mem", mem);
  char seen[sizeof proc_marker] = {0};
  printf("mem reads itself: %s\n",
         mem >= 0 &&
                 pread(mem, seen, sizeof seen, (off_t)(uintptr_t)proc_marker) ==
                     sizeof seen &&
                 !strcmp(seen, proc_marker)
             ? "yes"
             : "no");
  probe_line("fd-dir", open("/proc/self/fd", O_RDONLY | O_DIRECTORY));
  probe_line("ns", open("/proc/self/ns/net", O_RDONLY));
  probe_line("status-dir", open("/proc/self/status", O_RDONLY | O_DIRECTORY));
  probe_line("missing", open("/proc/self/nothing", O_RDONLY));
  probe_line("create", open("/proc/self/new", O_WRONLY | O_CREAT, 0600));
  probe_line("task-missing", open("/proc/thread-self/nothing/x", O_RDONLY));
  // Metadata by name there: the kernel's answers for procfs files.
  printf("chmod: %s\n",
         chmod("/proc/self/comm", 0600) ? strerror(errno) : "ok");
  printf("chown: %s\n",
         chown("/proc/self/comm", getuid(), getgid()) ? strerror(errno) : "ok");
  printf("utimes: %s\n",
         utimes("/proc/thread-self/comm", NULL) ? strerror(errno) : "ok");
  printf("truncate: %s\n",
         truncate("/proc/self/comm", 0) ? strerror(errno) : "ok");
  printf("setxattr: %s\n", setxattr("/proc/self/comm", "user.t", "v", 1, 0)
                               ? strerror(errno)
                               : "ok");
  printf("chmod-missing: %s\n",
         chmod("/proc/self/nothing", 0600) ? strerror(errno) : "ok");
  printf("chmod-magic: %s\n",
         chmod("/proc/self/cwd", 0755) ? strerror(errno) : "ok");
  return 0;
}

// proc-fd-probe: opens of the process's own descriptors through
// /proc/self/fd and /proc/thread-self/fd that name no file (a pipe, a
// socket, an eventfd, a memfd), a line each, and what a reopened pipe and
// memfd carry: the same lines bare and under syd.
static int proc_fd_probe(void) {
  int p[2], s[2];
  if (pipe(p) != 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, s) != 0)
    return report(-1);
  const int ev = (int)syscall(SYS_eventfd2, 0, 0);
  const int m = (int)syscall(SYS_memfd_create, "m", 0);
  if (ev < 0 || m < 0 || write(m, "memfd", 5) != 5) return report(-1);
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", p[1]);
  const int w = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  probe_line("pipe-write", w);
  char got[16] = {0};
  if (w >= 0 && write(w, "piped", 5) == 5 && read(p[0], got, 5) == 5)
    printf("pipe-carries: %s\n", got);
  snprintf(path, sizeof path, "/proc/thread-self/fd/%d", p[1]);
  probe_line("pipe-thread-self", open(path, O_WRONLY | O_CLOEXEC));
  snprintf(path, sizeof path, "/proc/self/fd/%d", s[0]);
  probe_line("socket", open(path, O_WRONLY));
  probe_line("socket-path", open(path, O_PATH));
  snprintf(path, sizeof path, "/proc/self/fd/%d", ev);
  probe_line("eventfd", open(path, O_RDWR));
  snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
  probe_line("pipe-path-link", open(path, O_PATH | O_NOFOLLOW));
  snprintf(path, sizeof path, "/proc/self/fd/%d", m);
  const int mr = open(path, O_RDWR);
  probe_line("memfd", mr);
  memset(got, 0, sizeof got);
  if (mr >= 0 && pread(mr, got, 5, 0) == 5) printf("memfd-carries: %s\n", got);
  probe_line("memfd-excl", open(path, O_RDWR | O_CREAT | O_EXCL, 0600));
  probe_line("missing", open("/proc/self/fd/999", O_WRONLY | O_CREAT, 0644));
  return 0;
}

// name-probe DIR: makes, removes and moves names in DIR every way that
// shows how it was done (modes under umask 022, links, FIFOs, renames
// with flags, and the errors the kernel gives), a line each with what DIR
// then holds: the same lines bare and under syd.
static void list_into(const char* dir, const char* prefix, char* out,
                      size_t size) {
  struct dirent** names = NULL;
  int n = scandir(dir, &names, NULL, alphasort);
  for (int i = 0; i < n; ++i) {
    const char* name = names[i]->d_name;
    if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", dir, name);
      struct stat st;
      if (lstat(path, &st) == 0) {
        size_t used = strlen(out);
        snprintf(out + used, size - used, " %s%s:%o:%lu", prefix, name,
                 st.st_mode, (unsigned long)st.st_nlink);
        if (S_ISDIR(st.st_mode) && strlen(prefix) == 0) {
          char sub[sizeof names[i]->d_name + 1];
          snprintf(sub, sizeof sub, "%s/", name);
          list_into(path, sub, out, size);
        }
      }
    }
    free(names[i]);
  }
  free(names);
}
static void name_line(const char* what, int rc) {
  if (rc != 0) {
    printf("%s: %s\n", what, strerror(errno));
    return;
  }
  static char listing[16384];
  listing[0] = '\0';
  list_into(".", "", listing, sizeof listing);
  printf("%s:%s\n", what, listing);
}
static int name_probe(const char* dir) {
  if (chdir(dir) != 0) return report(-1);
  umask(022);
  name_line("mkdir", mkdir("d", 0777));
  name_line("mkdir-exists", mkdir("d", 0700));
  name_line("mkdir-missing", mkdir("missing/x", 0700));
  name_line("mkdir-dotdot", mkdir("missing/../x", 0700));
  name_line("mkdir-sticky", mkdir("d/sub", 01777));
  name_line("mkdirat", mkdirat(AT_FDCWD, "d/sub2", 0750));
  name_line("mkdir-slash", mkdir("slashed/", 0700));
  name_line("mknod-fifo", mknod("fifo", S_IFIFO | 0666, 0));
  name_line("mknod-reg", mknod("reg", S_IFREG | 0600, 0));
  name_line("mknod-exists", mknod("fifo", S_IFIFO | 0600, 0));
  name_line("mknodat", mknodat(AT_FDCWD, "d/fifo2", S_IFIFO | 0640, 0));
  name_line("symlink-dangling", symlink("target-missing", "dangling"));
  name_line("symlink-dir", symlink("d", "dlink"));
  name_line("symlink-exists", symlink("x", "dangling"));
  name_line("symlinkat", symlinkat("reg", AT_FDCWD, "rl"));
  name_line("link", link("reg", "reg2"));
  name_line("link-symlink", link("dangling", "dl2"));
  name_line("link-exists", link("reg", "reg2"));
  name_line("linkat-follow-dir",
            linkat(AT_FDCWD, "dlink", AT_FDCWD, "dl3", AT_SYMLINK_FOLLOW));
  name_line("linkat-follow",
            linkat(AT_FDCWD, "rl", AT_FDCWD, "reg3", AT_SYMLINK_FOLLOW));
  name_line("linkat-bad-flags", linkat(AT_FDCWD, "reg", AT_FDCWD, "reg4", 8));
  name_line("rename", rename("reg2", "d/moved"));
  name_line("rename-into-self", rename("d", "d/sub/x"));
  name_line("rename-missing", rename("missing", "x"));
  name_line("rename-through-link", rename("reg3", "dlink/through"));
  name_line("renameat2-noreplace",
            (int)syscall(SYS_renameat2, AT_FDCWD, "reg", AT_FDCWD, "fifo",
                         RENAME_NOREPLACE));
  name_line("renameat2-exchange",
            (int)syscall(SYS_renameat2, AT_FDCWD, "reg", AT_FDCWD, "fifo",
                         RENAME_EXCHANGE));
  name_line("renameat", renameat(AT_FDCWD, "rl", AT_FDCWD, "d/rl"));
  // The last name is no entry of a parent syd could open: a link with a
  // trailing '/' (never followed by a call that makes or removes a name),
  // "." and "..". The kernel fails each; the errno is its own.
  name_line("mkdir-link-slash", mkdir("dlink/", 0700));
  name_line("rmdir-link-slash", rmdir("dlink/"));
  name_line("unlink-link-slash", unlink("dlink/"));
  name_line("rename-link-slash", rename("dlink/", "x"));
  name_line("rename-onto-link-slash", rename("slashed", "dlink/"));
  name_line("link-slash", link("reg", "new/"));
  name_line("link-from-link-slash", link("dlink/", "x"));
  name_line("symlink-slash", symlink("x", "new/"));
  name_line("mknod-slash", mknod("new/", S_IFIFO | 0600, 0));
  name_line("mkdir-dot", mkdir("d/.", 0700));
  name_line("mkdir-dotdot-last", mkdir("d/..", 0700));
  name_line("rmdir-dotdot", rmdir("d/sub/.."));
  name_line("unlink-dot", unlink("d/."));
  name_line("unlinkat-dotdot", unlinkat(AT_FDCWD, "d/..", AT_REMOVEDIR));
  name_line("rename-dot", rename("d/.", "x"));
  name_line("rename-onto-dotdot", rename("reg", "d/.."));
  name_line("renameat2-noreplace-dot",
            (int)syscall(SYS_renameat2, AT_FDCWD, "reg", AT_FDCWD, "d/.",
                         RENAME_NOREPLACE));
  name_line("symlink-dot", symlink("x", "d/."));
  name_line("link-dotdot", link("reg", "d/.."));
  name_line("link-from-dot", link("d/.", "x"));
  // An empty name, which none of these takes (the kernel's checks of
  // flags and modes first).
  const int here = open(".", O_PATH | O_DIRECTORY);
  name_line("mkdir-empty", mkdir("", 0700));
  name_line("mkdirat-empty", mkdirat(here, "", 0700));
  name_line("mknodat-empty-dir", mknodat(here, "", S_IFDIR | 0700, 0));
  name_line("mknodat-empty", mknodat(here, "", S_IFIFO | 0600, 0));
  name_line("unlinkat-empty", unlinkat(here, "", 0));
  name_line("unlinkat-empty-bad-flags", unlinkat(here, "", 0x1234));
  name_line("rename-to-empty", rename("reg", ""));
  name_line("rename-from-empty", rename("", "x"));
  name_line("renameat2-empty-bad-flags",
            (int)syscall(SYS_renameat2, here, "", here, "",
                         RENAME_EXCHANGE | RENAME_NOREPLACE));
  name_line("link-to-empty", link("reg", ""));
  name_line("linkat-empty-bad-flags", linkat(here, "", here, "x", 0x8000));
  name_line("symlink-empty", symlink("reg", ""));
  name_line("symlink-empty-target", symlink("", "x"));
  name_line("mknod-dot", mknod("d/.", S_IFIFO | 0600, 0));
  name_line("unlink-dir", unlink("d"));
  name_line("rmdir-full", rmdir("d"));
  name_line("rmdir-file", rmdir("reg"));
  name_line("rmdir-dot", rmdir("d/sub/."));
  name_line("unlink-slash", unlink("fifo/"));
  name_line("unlink", unlink("dangling"));
  name_line("unlinkat-dir", unlinkat(AT_FDCWD, "d/sub", AT_REMOVEDIR));
  name_line("unlinkat-bad-flags", unlinkat(AT_FDCWD, "reg", 0x1234));
  name_line("unlink-missing", unlink("missing"));
  name_line("rmdir", rmdir("slashed"));
  return 0;
}

// root-probe DIR: names made, removed or moved at the root, from DIR, one
// line each (the kernel fails them all).
static int root_probe(const char* dir) {
  if (chdir(dir) != 0) return report(-1);
  if (close(open("reg", O_WRONLY | O_CREAT, 0600)) != 0) return report(-1);
  name_line("mkdir", mkdir("/", 0700));
  name_line("mkdir-slashes", mkdir("///", 0700));
  name_line("rmdir", rmdir("/"));
  name_line("rmdir-dotdot", rmdir("/.."));
  name_line("unlink", unlink("//"));
  name_line("unlinkat-dir", unlinkat(AT_FDCWD, "/", AT_REMOVEDIR));
  name_line("rename-from", rename("/", "x"));
  name_line("rename-onto", rename("reg", "/"));
  name_line("link-onto", link("reg", "/"));
  name_line("link-from", link("/", "x"));
  name_line("symlink", symlink("x", "/"));
  name_line("mknod", mknod("/", S_IFIFO | 0600, 0));
  return 0;
}

// The child of clone-untraced: writes its path and exits.
static int write_and_exit(void* path) { _exit(write_file(path) < 0 ? 1 : 0); }

// clone-untraced PATH: a child made with CLONE_UNTRACED writes PATH.
static int clone_untraced(const char* path) {
  static char stack[64 * 1024];
  pid_t pid = clone(write_and_exit, stack + sizeof stack,
                    CLONE_UNTRACED | SIGCHLD, (void*)path);
  if (pid < 0) return report(-1);
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return report(-1);
  printf("child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return 0;
}

// thread-fd: a thread with a descriptor table of its own puts ALLOWED at
// descriptor 10 where the process has DENIED, then opens /proc/self/fd/10
// to write: /proc/self is the process, so that is DENIED.
struct fd_confusion {
  const char* allowed;
  int result;
};
static void* confuse_fd(void* arg) {
  struct fd_confusion* c = arg;
  int fd = -1;
  if (unshare(CLONE_FILES) == 0 && (fd = open(c->allowed, O_RDONLY)) >= 0 &&
      dup2(fd, 10) == 10) {
    c->result = open("/proc/self/fd/10", O_WRONLY | O_TRUNC) >= 0 ? 0 : errno;
  } else {
    c->result = -1;
  }
  return NULL;
}
static int thread_fd(const char* denied, const char* allowed) {
  int fd = open(denied, O_RDONLY);
  if (fd < 0 || dup2(fd, 10) != 10) return report(-1);
  struct fd_confusion c = {allowed, -1};
  pthread_t t;
  if (pthread_create(&t, NULL, confuse_fd, &c) != 0) return 1;
  pthread_join(t, NULL);
  if (c.result < 0) return 1;
  errno = c.result;
  return report(c.result == 0 ? 0 : -1);
}

// seccomp-listener: installs a filter that allows everything and asks
// for a listener, as a supervisor inside the sandbox would.
static int seccomp_listener(void) {
  struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  struct sock_fprog prog = {1, &allow};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return report(-1);
  return report((int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                             SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog));
}

// without-ptrace PROG [ARG]...: PROG under a filter that refuses ptrace,
// process_vm_readv, process_vm_writev, pidfd_getfd and kcmp with EPERM, as
// container profiles did without CAP_SYS_PTRACE before Linux 4.8;
// without-pidfd-getfd PROG [ARG]...: pidfd_getfd and kcmp alone, as
// Docker's does now.
static int without_ptrace(int ptrace_too, char** argv) {
  const int all = ptrace_too ? 5 : 2;
  const long nr[5] = {438 /* pidfd_getfd */, SYS_kcmp, SYS_ptrace,
                      SYS_process_vm_readv, SYS_process_vm_writev};
  struct sock_filter code[8];
  int n = 0;
  code[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                           offsetof(struct seccomp_data, nr));
  for (int i = 0; i < all; ++i)  // to the refusal, past the allow
    code[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
                                             (unsigned)nr[i], all - i, 0);
  code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  code[n++] =
      (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
  struct sock_fprog prog = {(unsigned short)n, code};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
    return report(-1);
  execv(argv[0], argv);
  return report(-1);
}

// aim-parent: what a program may try on syd, its parent, that the
// Landlock scopes do not cover. Reports the first failure.
static int aim_parent(void) {
  const pid_t parent = getppid();
  if (parent == 0) {  // outside this pid namespace: nothing names it
    printf("parent=none\n");
    return 0;
  }
  const struct rlimit none = {0, 0};
  if (prlimit(parent, RLIMIT_CORE, &none, NULL) != 0) return report(-1);
  if (setpriority(PRIO_PROCESS, (id_t)parent, 19) != 0) return report(-1);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(0, &one);
  if (sched_setaffinity(parent, sizeof one, &one) != 0) return report(-1);
  return report(0);
}

// thread-exec DIR: a process whose tid vanishes unreported. Nine children
// and the main thread wait for DIR/end (so that the tracer has more than a
// few tracees while the test works); a second thread writes its tid to
// DIR/tid, waits for DIR/go, then execs a shell that waits for DIR/end
// too. The exec takes the leader's pid: the thread's own tid is gone.
// Every wait is bounded (30 s).
static const char* g_exec_dir;
static void wait_for_file(const char* name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", g_exec_dir, name);
  for (int i = 0; i < 3000 && access(path, F_OK) != 0; ++i) usleep(10000);
}
static void* exec_from_thread(void* arg) {
  (void)arg;
  char path[4096], done[4096];
  snprintf(path, sizeof path, "%s/tid.tmp", g_exec_dir);
  FILE* f = fopen(path, "w");
  if (f == NULL) _exit(1);
  fprintf(f, "%ld\n", (long)syscall(SYS_gettid));
  fclose(f);
  snprintf(done, sizeof done, "%s/tid", g_exec_dir);
  rename(path, done);
  wait_for_file("go");
  char script[4300];
  snprintf(script, sizeof script,
           "i=0; while [ ! -e %s/end ] && [ $i -lt 600 ]; do sleep 0.05; "
           "i=$((i+1)); done",
           g_exec_dir);
  execl("/bin/sh", "sh", "-c", script, (char*)NULL);
  _exit(126);
}
static int thread_exec(const char* dir) {
  g_exec_dir = dir;
  for (int i = 0; i < 9; ++i) {
    if (fork() == 0) {
      wait_for_file("end");
      _exit(0);
    }
  }
  pthread_t t;
  if (pthread_create(&t, NULL, exec_from_thread, NULL) != 0) return 1;
  for (;;) pause();  // until the thread's exec replaces this program
}

// in-thread OP ARGS...: OP run by a thread that does not lead the
// process (the leader waits for it): a call of its is made by a tid that
// is not the process's pid.
struct in_thread {
  int argc;
  char** argv;
  int rc;
};
int main(int argc, char** argv);
static void* run_in_thread(void* arg) {
  struct in_thread* t = arg;
  t->rc = main(t->argc, t->argv);
  return NULL;
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc < 2) return 2;
  const char* op = argv[1];
  if (!strcmp(op, "in-thread")) {
    struct in_thread t = {argc - 1, argv + 1, 1};
    pthread_t th;
    if (pthread_create(&th, NULL, run_in_thread, &t) != 0) return 1;
    pthread_join(th, NULL);
    return t.rc;
  }
  const char* a = argc > 2 ? argv[2] : "";
  const char* b = argc > 3 ? argv[3] : "";
  if (!strcmp(op, "stalled-read")) return stalled_read(a, atoi(b));
  if (!strcmp(op, "stalled-reads")) return stalled_reads(atoi(a));
  if (!strcmp(op, "write")) return report(write_file(a));
  if (!strcmp(op, "read")) return report(open(a, O_RDONLY));
  if (!strcmp(op, "append")) {  // append PATH: one byte at its end
    int fd = open(a, O_WRONLY | O_APPEND);
    if (fd < 0) return report(-1);
    int rc = write(fd, "+", 1) == 1 ? 0 : -1;
    close(fd);
    return report(rc);
  }
  if (!strcmp(op, "excl"))
    return report(open(a, O_WRONLY | O_CREAT | O_EXCL, 0644));
  if (!strcmp(op, "creat")) return report(creat(a, 0644));
  if (!strcmp(op, "mkdir")) return report(mkdir(a, 0755));
  if (!strcmp(op, "mknod")) return report(mknod(a, S_IFIFO | 0644, 0));
  if (!strcmp(op, "rename")) return report(rename(a, b));
  if (!strcmp(op, "link")) return report(link(a, b));
  if (!strcmp(op, "symlink")) return report(symlink(a, b));
  if (!strcmp(op, "truncate")) return report(truncate(a, 0));
  if (!strcmp(op, "own-domain")) return own_domain(a);
  if (!strcmp(op, "grow"))  // grow PATH LENGTH: truncate(2) by its name
    return report(truncate(a, strtoll(b, NULL, 0)));
  if (!strcmp(op, "chmod")) return report(chmod(a, 0600));
  if (!strcmp(op, "utimensat")) return report(utimensat(AT_FDCWD, a, NULL, 0));
  // Calls that do not follow a link at the end, unless the name ends in '/'.
  if (!strcmp(op, "lutimes"))
    return report(utimensat(AT_FDCWD, a, NULL, AT_SYMLINK_NOFOLLOW));
  if (!strcmp(op, "lsetxattr"))
    return report(lsetxattr(a, "user.syd", "x", 1, 0));
  if (!strcmp(op, "fchmod") || !strcmp(op, "fchown") ||
      !strcmp(op, "fsetxattr") || !strcmp(op, "fremovexattr") ||
      !strcmp(op, "futimesat-null") || !strcmp(op, "setflags") ||
      !strcmp(op, "nodump")) {
    // OP PATH: a change through a descriptor opened only to read.
    int fd = open(a, O_RDONLY);
    if (fd < 0) return report(-1);
    if (!strcmp(op, "fchmod")) return report(fchmod(fd, 0600));
    if (!strcmp(op, "fchown")) return report(fchown(fd, 1, 1));
    if (!strcmp(op, "fsetxattr"))
      return report(fsetxattr(fd, "user.syd", "x", 1, 0));
    if (!strcmp(op, "fremovexattr"))
      return report(fremovexattr(fd, "user.syd"));
    if (!strcmp(op, "futimesat-null"))
      return report((int)syscall(SYS_futimesat, fd, NULL, NULL));
    // FS_IOC_SETFLAGS: what is set already, set again (setflags), or with
    // the no-dump flag added (nodump: chattr +d, which the owner may set).
    int flags = 0;
    if (ioctl(fd, FS_IOC_GETFLAGS, &flags) != 0) return report(-1);
    if (!strcmp(op, "nodump")) flags |= FS_NODUMP_FL;
    return report(ioctl(fd, FS_IOC_SETFLAGS, &flags));
  }
  if (!strcmp(op, "futimens")) {  // utimensat(fd, NULL, ...) on an open file
    int fd = open(a, O_RDONLY);
    if (fd < 0) return report(-1);
    return report(futimens(fd, NULL));
  }
  if (!strcmp(op, "unlink")) return report(unlink(a));
  if (!strcmp(op, "rmdir")) return report(rmdir(a));
  if (!strcmp(op, "nullpath"))
    return report(
        syscall(SYS_openat, AT_FDCWD, NULL, O_WRONLY | O_CREAT, 0644));
  if (!strcmp(op, "openat")) {  // openat DIR NAME: relative to a directory fd
    int dfd = open(a, O_RDONLY | O_DIRECTORY);
    if (dfd < 0) return report(-1);
    return report(openat(dfd, b, O_WRONLY | O_CREAT, 0644));
  }
  if (!strcmp(op, "openat2")) {
    struct open_how how = {.flags = O_WRONLY | O_CREAT, .mode = 0644};
    return report(syscall(SYS_openat2, AT_FDCWD, a, &how, sizeof how));
  }
  if (!strcmp(op, "openat2-at")) {
    // openat2-at DIR PATH RESOLVE: create PATH from a descriptor of DIR,
    // with RESOLVE (in-root, beneath, no-symlinks, no-xdev) as openat2 resolves
    // it.
    const char* how_name = argc > 4 ? argv[4] : "";
    struct open_how how = {.flags = O_WRONLY | O_CREAT, .mode = 0644};
    if (!strcmp(how_name, "in-root")) how.resolve = RESOLVE_IN_ROOT;
    if (!strcmp(how_name, "beneath")) how.resolve = RESOLVE_BENEATH;
    if (!strcmp(how_name, "no-symlinks")) how.resolve = RESOLVE_NO_SYMLINKS;
    if (!strcmp(how_name, "no-xdev")) how.resolve = RESOLVE_NO_XDEV;
    int dir = open(a, O_RDONLY | O_DIRECTORY);
    if (dir < 0) return report(-1);
    return report(syscall(SYS_openat2, dir, b, &how, sizeof how));
  }
  if (!strcmp(op, "thread-exec")) return thread_exec(a);
  if (!strcmp(op, "openat2-read")) {
    struct open_how how = {.flags = O_RDONLY};
    return report(syscall(SYS_openat2, AT_FDCWD, a, &how, sizeof how));
  }
  if (!strcmp(op, "bind") || !strcmp(op, "connect")) {
    struct sockaddr_storage ss;
    socklen_t len;
    int family;
    if (make_addr(a, &ss, &len, &family) != 0) return 2;
    int fd = socket(family, SOCK_STREAM, 0);
    if (fd < 0) return report(-1);
    if (!strcmp(op, "bind"))
      return report(bind(fd, (struct sockaddr*)&ss, len));
    return report(connect(fd, (struct sockaddr*)&ss, len));
  }
  if (!strcmp(op, "serve-connect") || !strcmp(op, "serve-sendto")) {
    // serve-connect SPEC: a stream server bound to SPEC (port 0: any) and
    // listening, then a connect to where it is bound. serve-sendto SPEC: a
    // datagram socket bound to SPEC, then a sendto to it, and the datagram
    // received. The sandbox's own server: what BOUND lets it reach. With
    // "reuseport" after SPEC, the server sets SO_REUSEPORT before binding.
    struct sockaddr_storage ss;
    socklen_t len;
    int family;
    if (make_addr(a, &ss, &len, &family) != 0) return 2;
    const int stream = !strcmp(op, "serve-connect");
    const int type = stream ? SOCK_STREAM : SOCK_DGRAM;
    int server = socket(family, type, 0);
    const int one = 1;
    if (!strcmp(b, "reuseport") &&
        setsockopt(server, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
      return report(-1);
    if (server < 0 || bind(server, (struct sockaddr*)&ss, len) != 0 ||
        (stream && listen(server, 1) != 0))
      return report(-1);
    len = sizeof ss;
    if (getsockname(server, (struct sockaddr*)&ss, &len) != 0)
      return report(-1);
    int client = socket(family, type, 0);
    if (client < 0) return report(-1);
    if (stream) return report(connect(client, (struct sockaddr*)&ss, len));
    if (sendto(client, "x", 1, 0, (struct sockaddr*)&ss, len) != 1)
      return report(-1);
    char byte;
    return report(recv(server, &byte, 1, MSG_DONTWAIT) == 1 ? 0 : -1);
  }
  if (!strcmp(op, "listen-fd")) return report(listen(atoi(a), 1));
  if (!strcmp(op, "listen")) {  // listen [SPEC]: bound to SPEC first if given
    struct sockaddr_storage ss;
    socklen_t len;
    int family = AF_INET;
    if (*a && make_addr(a, &ss, &len, &family) != 0) return 2;
    int fd = socket(family, SOCK_STREAM, 0);
    if (fd < 0) return report(-1);
    if (*a && bind(fd, (struct sockaddr*)&ss, len) != 0) return report(-1);
    return report(listen(fd, 1));
  }
  if (!strcmp(op, "listen-anyway")) {
    // listen-anyway SPEC: a bind to SPEC that may fail (its errno
    // printed), then listen, which binds an unbound socket to the
    // wildcard address.
    struct sockaddr_storage ss;
    socklen_t len;
    int family = AF_INET;
    if (make_addr(a, &ss, &len, &family) != 0) return 2;
    int fd = socket(family, SOCK_STREAM, 0);
    if (fd < 0) return report(-1);
    const int bound = bind(fd, (struct sockaddr*)&ss, len);
    printf("bind: %s\n", bound == 0 ? "ok" : strerror(errno));
    return report(listen(fd, 1));
  }
  if (!strcmp(op, "serve-sendmmsg")) {
    // serve-sendmmsg [SPEC]: a datagram socket bound on 127.0.0.1, then one
    // sendmmsg of two messages: to it, and to SPEC (to it again if none).
    struct sockaddr_storage own, other;
    socklen_t own_len, other_len;
    int family;
    if (make_addr("inet:127.0.0.1@0", &own, &own_len, &family) != 0) return 2;
    int server = socket(AF_INET, SOCK_DGRAM, 0);
    if (server < 0 || bind(server, (struct sockaddr*)&own, own_len) != 0)
      return report(-1);
    own_len = sizeof own;
    if (getsockname(server, (struct sockaddr*)&own, &own_len) != 0)
      return report(-1);
    other = own;
    other_len = own_len;
    if (*a && make_addr(a, &other, &other_len, &family) != 0) return 2;
    int client = socket(AF_INET, SOCK_DGRAM, 0);
    if (client < 0) return report(-1);
    struct iovec iov = {"x", 1};
    struct mmsghdr msgs[2];
    memset(msgs, 0, sizeof msgs);
    msgs[0].msg_hdr.msg_name = &own;
    msgs[0].msg_hdr.msg_namelen = own_len;
    msgs[1].msg_hdr.msg_name = &other;
    msgs[1].msg_hdr.msg_namelen = other_len;
    for (int i = 0; i < 2; ++i) {
      msgs[i].msg_hdr.msg_iov = &iov;
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    return report(sendmmsg(client, msgs, 2, 0) == 2 ? 0 : -1);
  }
  if (!strcmp(op, "net-loop")) {
    // net-loop udp|tcp|unix|sendmsg N: N addressed datagrams to its own UDP
    // socket, N connects to its own TCP listener, N connects to its own
    // unix listener in /tmp, or N sendmsg calls without an address on one
    // connected UDP socket; the benchmark of what BOUND and a stop per
    // sendmsg cost.
    const int n = atoi(b);
    const int unix_kind = !strcmp(a, "unix");
    const int connected = !strcmp(a, "sendmsg");
    const int udp = !strcmp(a, "udp") || connected;
    struct sockaddr_storage ss;
    socklen_t len;
    int family;
    char spec[128];
    snprintf(spec, sizeof spec,
             unix_kind ? "unix:/tmp/syd-loop.%d" : "inet:127.0.0.1@0",
             (int)getpid());
    if (make_addr(spec, &ss, &len, &family) != 0) return 2;
    int server = socket(family, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
    if (server < 0 || bind(server, (struct sockaddr*)&ss, len) != 0 ||
        (!udp && listen(server, 128) != 0))
      return report(-1);
    if (!unix_kind) {
      len = sizeof ss;
      if (getsockname(server, (struct sockaddr*)&ss, &len) != 0)
        return report(-1);
    }
    int rc = 0;
    if (connected) {
      int c = socket(family, SOCK_DGRAM, 0);
      if (c < 0 || connect(c, (struct sockaddr*)&ss, len) != 0)
        return report(-1);
      struct iovec iov = {"x", 1};
      struct msghdr msg;
      memset(&msg, 0, sizeof msg);
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      for (int i = 0; i < n && rc == 0; ++i) {
        char byte;
        rc =
            sendmsg(c, &msg, 0) == 1 && recv(server, &byte, 1, 0) == 1 ? 0 : -1;
      }
      return report(rc);
    }
    for (int i = 0; i < n && rc == 0; ++i) {
      int c = socket(family, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
      if (udp) {
        char byte;
        rc = sendto(c, "x", 1, 0, (struct sockaddr*)&ss, len) == 1 &&
                     recv(server, &byte, 1, 0) == 1
                 ? 0
                 : -1;
      } else {
        rc = connect(c, (struct sockaddr*)&ss, len);
        int peer = accept(server, NULL, NULL);
        if (peer >= 0) close(peer);
      }
      close(c);
    }
    if (unix_kind) unlink(spec + 5);
    return report(rc);
  }
  if (!strcmp(op, "stale-bound")) {
    // stale-bound SPEC DIR: listens on SPEC and connects to itself, closes
    // both, makes DIR/ready, waits (5 s at most) for DIR/go, then connects
    // to SPEC again: to whoever listens there now.
    struct sockaddr_storage ss;
    socklen_t len;
    int family;
    if (make_addr(a, &ss, &len, &family) != 0) return 2;
    int server = socket(family, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (server < 0 || bind(server, (struct sockaddr*)&ss, len) != 0 ||
        listen(server, 1) != 0)
      return report(-1);
    int first = socket(family, SOCK_STREAM, 0);
    if (connect(first, (struct sockaddr*)&ss, len) != 0) return report(-1);
    close(first);
    close(server);
    char path[4096];
    snprintf(path, sizeof path, "%s/ready", b);
    close(open(path, O_WRONLY | O_CREAT, 0644));
    snprintf(path, sizeof path, "%s/go", b);
    for (int i = 0; i < 500 && access(path, F_OK) != 0; ++i) usleep(10000);
    int again = socket(family, SOCK_STREAM, 0);
    return report(connect(again, (struct sockaddr*)&ss, len));
  }
  if (!strcmp(op, "udp-bound-connect")) {
    // udp-bound-connect SPEC: a datagram socket bound to SPEC, then a
    // stream connect to the same address: another protocol's port.
    struct sockaddr_storage ss;
    socklen_t len;
    int family;
    if (make_addr(a, &ss, &len, &family) != 0) return 2;
    int udp = socket(family, SOCK_DGRAM, 0);
    if (udp < 0 || bind(udp, (struct sockaddr*)&ss, len) != 0)
      return report(-1);
    int tcp = socket(family, SOCK_STREAM, 0);
    if (tcp < 0) return report(-1);
    return report(connect(tcp, (struct sockaddr*)&ss, len));
  }
  if (!strcmp(op, "sendto")) {  // sendto SPEC: one datagram to SPEC
    struct sockaddr_storage ss;
    socklen_t len;
    int family;
    if (make_addr(a, &ss, &len, &family) != 0) return 2;
    int fd = socket(family, SOCK_DGRAM, 0);
    if (fd < 0) return report(-1);
    return report(sendto(fd, "x", 1, 0, (struct sockaddr*)&ss, len) == 1 ? 0
                                                                         : -1);
  }
  if (!strcmp(op, "exit")) return atoi(a);
  if (!strcmp(op, "signal")) {
    int sig = !strcmp(a, "TERM")   ? SIGTERM
              : !strcmp(a, "SEGV") ? SIGSEGV
                                   : SIGABRT;
    if (sig == SIGSEGV) {
      // A real fault, at an address no sanitizer checks as a null load.
      volatile uintptr_t bad = 8;
      return *(volatile int*)bad;
    }
    if (sig == SIGABRT) abort();
    raise(sig);
    return 0;
  }
  if (!strcmp(op, "parallel-opens")) {
    int n = atoi(a);
    pthread_t t[64];
    struct opener o[64];
    for (int i = 0; i < n && i < 64; ++i) {
      o[i] = (struct opener){argc > 4 ? argv[4] : ".", i, atoi(b), 0};
      pthread_create(&t[i], NULL, open_many, &o[i]);
    }
    int mismatched = 0;
    for (int i = 0; i < n && i < 64; ++i) {
      pthread_join(t[i], NULL);
      mismatched += o[i].mismatched;
    }
    printf("mismatched %d\n", mismatched);
    return 0;
  }
  if (!strcmp(op, "thread-spawners")) {  // thread-spawners K N ROUNDS
    int k = atoi(a);
    spawned_threads = atoi(b);
    spawn_rounds = argc > 4 ? atoi(argv[4]) : 1;
    pthread_t s[16];
    int made = 0;
    for (int i = 0; i < k && i < 16; ++i) {
      if (pthread_create(&s[made], NULL, spawner, NULL) == 0) ++made;
    }
    for (int i = 0; i < made; ++i) pthread_join(s[i], NULL);
    printf("spawned\n");
    return 0;
  }
  if (!strcmp(op, "threads")) {  // threads N PREFIX
    int n = atoi(a);
    pthread_t t[64];
    struct thread_arg args[64];
    for (int i = 0; i < n && i < 64; ++i) {
      args[i] = (struct thread_arg){b, i, -1};
      pthread_create(&t[i], NULL, thread_main, &args[i]);
    }
    int denied = 0;
    for (int i = 0; i < n && i < 64; ++i) {
      pthread_join(t[i], NULL);
      denied += args[i].result != 0;
    }
    printf("%d denied\n", denied);
    return 0;
  }
  if (!strcmp(op, "forks") || !strcmp(op, "vforks")) {  // forks N PREFIX
    int n = atoi(a), denied = 0;
    for (int i = 0; i < n; ++i) {
      pid_t pid = !strcmp(op, "forks") ? fork() : vfork();
      if (pid == 0) {
        char path[4096];
        snprintf(path, sizeof path, "%s.%d", b, i);
        if (!strcmp(op, "vforks")) {  // after vfork: only exec
          char* args[] = {argv[0], "write", path, NULL};
          execv(argv[0], args);
          _exit(127);
        }
        _exit(write_file(path) == 0 ? 0 : errno);
      }
      int status;
      waitpid(pid, &status, 0);
      denied += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    printf("%d denied\n", denied);
    return 0;
  }
  if (!strcmp(op, "exec-from-thread")) {  // exec-from-thread PATH: a thread
                                          // execs `write PATH`
    static char* args[4];
    args[0] = argv[0];
    args[1] = "write";
    args[2] = (char*)a;
    pthread_t t;
    pthread_create(&t, NULL, exec_thread, args);
    pthread_join(t, NULL);
    return 127;
  }
  if (!strcmp(
          op,
          "daemon")) {  // daemon PATH: a grandchild writes PATH after we exit
    pid_t pid = fork();
    if (pid == 0) {
      setsid();
      if (fork() == 0) {
        usleep(300000);
        _exit(write_file(a) == 0 ? 0 : 1);
      }
      _exit(0);
    }
    waitpid(pid, NULL, 0);
    return 0;
  }
  if (!strcmp(op, "caught")) {  // caught PATH: write PATH with a SIGUSR1
                                // handler (SA_RESTART); say if it ran
    struct sigaction sa = {0};
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    int rc = write_file(a);
    int error = errno;
    for (int i = 0; i < 100 && !caught; ++i) usleep(10000);
    printf("%s\n", caught ? "handled" : "not handled");
    return rc == 0 ? 0 : error;
  }
  if (!strcmp(op, "chroot")) {  // chroot DIR PATH: write PATH inside DIR
    if (chroot(a) != 0 || chdir("/") != 0) return report(-1);
    return report(write_file(b));
  }
  if (!strcmp(op, "sleep")) {  // sleep PIDFILE: write our pid, then wait
    FILE* f = fopen(a, "w");
    if (f) {
      fprintf(f, "%d\n", getpid());
      fclose(f);
    }
    for (;;) pause();
  }
  if (!strcmp(op, "stats")) {  // stats PATH: every stat and access variant
    struct stat st;
    struct statx stx;
    int fails = 0;
    const char* names[] = {"stat",   "lstat",     "fstatat",   "statx",
                           "access", "faccessat", "faccessat2"};
    long rcs[] = {
        stat(a, &st),
        lstat(a, &st),
        fstatat(AT_FDCWD, a, &st, 0),
        statx(AT_FDCWD, a, 0, STATX_BASIC_STATS, &stx),
        access(a, F_OK),
        syscall(SYS_faccessat, AT_FDCWD, a, F_OK),
        syscall(SYS_faccessat2, AT_FDCWD, a, F_OK, 0),
    };
    for (int i = 0; i < 7; ++i) {
      printf("%s=%ld ", names[i], rcs[i]);
      fails += rcs[i] != 0;
    }
    printf("\n");
    return fails;
  }
  if (!strcmp(op, "tstp")) {  // suspends itself on SIGTSTP as vim and less do
    struct sigaction sa = {0};
    sa.sa_handler = on_tstp;
    sigaction(SIGTSTP, &sa, NULL);
    // SIGTSTP only while waiting: one that came between the test of
    // `resumed` and pause() would leave it waiting forever.
    sigset_t tstp, waiting;
    sigemptyset(&tstp);
    sigaddset(&tstp, SIGTSTP);
    sigprocmask(SIG_BLOCK, &tstp, &waiting);
    sigdelset(&waiting, SIGTSTP);
    printf("ready\n");
    while (!resumed) sigsuspend(&waiting);
    printf("resumed\n");
    return 0;
  }
  if (!strcmp(op, "push-input")) {  // push-input TEXT: typed into stdin's tty
    for (const char* c = a; *c; ++c)
      if (ioctl(0, TIOCSTI, c) != 0) return report(-1);
    printf("pushed %zu\n", strlen(a));
    return 0;
  }
  if (!strcmp(op, "sigsys")) {  // sigsys DIR: mkdir DIR with a SIGSYS handler
    struct sigaction sa = {0};
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSYS, &sa, NULL);
    return report(mkdir(a, 0755));
  }
  if (!strcmp(op, "mount"))  // mount DIR: a tmpfs on DIR
    return report(mount("syd-test", a, "tmpfs", 0, NULL));
  if (!strcmp(op, "bind-mount"))  // bind-mount SRC DST
    return report(mount(a, b, NULL, MS_BIND, NULL));
  if (!strcmp(op, "uring-create")) return uring_create(a);
  if (!strcmp(op, "sys")) {  // sys NR [ARG...]: the raw call, numeric args
    long args[6] = {0};
    for (int i = 0; i < 6 && i + 3 < argc; ++i)
      args[i] = (long)strtoull(argv[i + 3], NULL, 0);
    return report((int)syscall(strtol(a, NULL, 0), args[0], args[1], args[2],
                               args[3], args[4], args[5]));
  }
  if (!strcmp(op, "mknod-dev"))  // mknod-dev PATH: /dev/null's twin
    return report(mknod(a, S_IFCHR | 0666, makedev(1, 3)));
  if (!strcmp(op, "mknod-dev-raw"))  // the same through mknod(2) itself
    return report((int)syscall(SYS_mknod, a, S_IFCHR | 0666, makedev(1, 3)));
  if (!strcmp(op, "clone-untraced")) return clone_untraced(a);
  if (!strcmp(op, "memfd-reopen") || !strcmp(op, "reopen") ||
      !strcmp(op, "reopen-by-pid")) {
    // memfd-reopen: a memfd, reopened to write. reopen PATH [PROC]: PATH
    // opened to read, reopened to write through PROC/self/fd (PROC is
    // /proc unless given). reopen-by-pid PATH: through /proc/PID/fd, PID
    // as getpid() says. Each writes "x" through the new descriptor.
    const int memfd = !strcmp(op, "memfd-reopen");
    int fd = memfd ? memfd_create("syd-test", 0) : open(a, O_RDONLY);
    if (fd < 0) return report(-1);
    char path[4096];
    if (!strcmp(op, "reopen-by-pid")) {
      snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)getpid(), fd);
    } else {
      snprintf(path, sizeof path, "%s/self/fd/%d", !memfd && *b ? b : "/proc",
               fd);
    }
    // Then a byte written over the first: what reaches the file shows.
    const int rw = open(path, O_RDWR);
    if (rw < 0) return report(-1);
    return report(write(rw, "x", 1) == 1 ? 0 : -1);
  }
  if (!strcmp(op, "deep")) {
    // deep DIR N: from DIR, N directories of 200 bytes each made and
    // entered by relative names, then a file "f" written there: a cwd
    // longer than PATH_MAX.
    char name[201];
    memset(name, 'd', 200);
    name[200] = '\0';
    if (chdir(a) != 0) return report(-1);
    for (int i = atoi(b); i > 0; --i) {
      if ((mkdir(name, 0755) != 0 && errno != EEXIST) || chdir(name) != 0)
        return report(-1);
    }
    return report(write_file("f"));
  }
  if (!strcmp(op, "deep-fchmod") || !strcmp(op, "deep-futimens") ||
      !strcmp(op, "deep-fchownat-empty")) {
    // deep-fchmod DIR N: down N existing directories of 200 bytes from
    // DIR, then fchmod of "f" there through a descriptor (or futimens, or
    // fchownat with AT_EMPTY_PATH).
    char name[201];
    memset(name, 'd', 200);
    name[200] = '\0';
    if (chdir(a) != 0) return report(-1);
    for (int i = atoi(b); i > 0; --i) {
      if (chdir(name) != 0) return report(-1);
    }
    int fd = open("f", O_RDONLY);
    if (fd < 0) return report(-1);
    if (!strcmp(op, "deep-futimens")) return report(futimens(fd, NULL));
    if (!strcmp(op, "deep-fchownat-empty"))
      return report(fchownat(fd, "", 1, 1, AT_EMPTY_PATH));
    return report(fchmod(fd, 0600));
  }
  if (!strcmp(op, "seccomp-listener")) return seccomp_listener();
  if (!strcmp(op, "thread-fd")) return thread_fd(a, b);
  if (!strcmp(op, "aim-parent")) return aim_parent();
  if (!strcmp(op, "without-ptrace")) return without_ptrace(1, argv + 2);
  if (!strcmp(op, "without-pidfd-getfd")) return without_ptrace(0, argv + 2);
  if (!strcmp(op, "race-symlink"))
    return race_symlink(a, b, argc > 4 ? argv[4] : "",
                        argc > 5 ? atoi(argv[5]) : 0);
  if (!strcmp(op, "open-probe")) return open_probe(a);
  if (!strcmp(op, "proc-fd-probe")) return proc_fd_probe();
  if (!strcmp(op, "pty-probe")) return pty_probe();
  if (!strcmp(op, "fifo-wait-probe")) return fifo_wait_probe(a);
  if (!strcmp(op, "write-and-run"))
    return write_and_run(a, atoi(b), argc > 4 && !strcmp(argv[4], "chmod"));
  if (!strcmp(op, "proc-self-probe")) return proc_self_probe();
  if (!strcmp(op, "same-ids")) {
    // same-ids DIR [UMASK|query|query-fork]: the identity calls a build
    // makes that change nothing (setresuid(-1, 0, -1) as root, a thread's
    // name, the umask it has), or the umask UMASK (octal), then five files
    // made in DIR. "query" asks for the umask as a shell does (umask(0),
    // then the old one back); "query-fork" makes a child between the two,
    // which keeps umask 0 and makes the files; "thread-umask" sets 077,
    // then a thread of its own sets 0.
    uid_t ru, eu, su;
    gid_t rg, eg, sg;
    if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0)
      return report(-1);
    char status[4096] = {0};
    int sfd = open("/proc/self/status", O_RDONLY);
    if (sfd < 0 || read(sfd, status, sizeof status - 1) <= 0) return report(-1);
    close(sfd);
    const char* at = strstr(status, "Umask:");
    if (at == NULL) return 1;
    mode_t mask = (mode_t)strtoul(at + 6, NULL, 8);
    const char* how = argc > 3 ? b : "";
    if (*how >= '0' && *how <= '7') mask = (mode_t)strtoul(how, NULL, 8);
    if (setresuid(-1, eu, -1) != 0 || setresgid(-1, eg, -1) != 0 ||
        setreuid(-1, -1) != 0 || setuid(ru) != 0 || setgid(rg) != 0 ||
        syscall(SYS_setfsuid, eu) < 0 || syscall(SYS_setfsgid, eg) < 0 ||
        prctl(PR_SET_NAME, "same-ids", 0, 0, 0) != 0 ||
        prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) != 0)
      return report(-1);
    umask(mask);
    if (!strcmp(how, "thread-umask")) {
      umask(077);
      pthread_t t;
      if (pthread_create(&t, NULL, umask_zero, NULL) != 0 ||
          pthread_join(t, NULL) != 0)
        return 1;
    }
    pid_t child = -1;
    if (!strcmp(how, "query") || !strcmp(how, "query-fork")) {
      const mode_t old = umask(0);
      int go[2];
      if (pipe(go) != 0) return report(-1);
      if (!strcmp(how, "query-fork")) {
        child = fork();
        if (child < 0) return report(-1);
        if (child == 0) {
          char c;
          close(go[1]);
          // End of file: the parent has set its umask back.
          if (read(go[0], &c, 1) != 0) _exit(1);
        }
      }
      if (child != 0) {
        umask(old);
        close(go[0]);
        close(go[1]);  // the child goes on
        if (child > 0) {
          int status = 0;
          if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
              WEXITSTATUS(status) != 0)
            return 1;
          printf("made\n");
          return 0;
        }
      }
    }
    for (int i = 0; i < 5; ++i) {
      char path[4096];
      snprintf(path, sizeof path, "%s/f%d", a, i);
      int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
      if (fd < 0) return report(-1);
      close(fd);
    }
    if (child == 0) _exit(0);
    printf("made\n");
    return 0;
  }
  if (!strcmp(op, "drop-override-exec")) {
    // drop-override-exec PROG [ARG]...: CAP_DAC_OVERRIDE and
    // CAP_DAC_READ_SEARCH out of the bounding set (prctl alone, no
    // capset), then exec PROG, which loses them.
    if (prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0) != 0 ||
        prctl(PR_CAPBSET_DROP, CAP_DAC_READ_SEARCH, 0, 0, 0) != 0)
      return report(-1);
    execv(a, argv + 2);
    return report(-1);
  }
  if (!strcmp(op, "race-read-link"))
    return race_read_link(a, b, argc > 4 ? argv[4] : "",
                          argc > 5 ? atoi(argv[5]) : 0);
  if (!strcmp(op, "exec")) {  // exec PATH: run it, or exit with the errno
    char* const argv[] = {(char*)a, NULL};
    execv(a, argv);
    return report(-1);
  }
  if (!strcmp(op, "race-descriptor"))
    return race_descriptor(a, b, atoi(argc > 4 ? argv[4] : "0"),
                           argc > 5 ? argv[5] : "");
  if (!strcmp(op, "race-empty-name"))
    return race_empty_name(a, b, atoi(argc > 4 ? argv[4] : "0"),
                           argc > 5 ? argv[5] : "create");
  if (!strcmp(op, "race-listen")) return race_listen(atoi(a));
  if (!strcmp(op, "race-send"))
    return race_send(a, b, argc > 4 ? argv[4] : "",
                     atoi(argc > 5 ? argv[5] : "0"));
  if (!strcmp(op, "race-connect"))
    return race_connect(a, b, atoi(argc > 4 ? argv[4] : "0"));
  if (!strcmp(op, "net-probe")) return net_probe(atoi(a));
  if (!strcmp(op, "unix-probe")) return unix_probe(a);
  if (!strcmp(op, "send-probe")) return send_probe(a);
  if (!strcmp(op, "race-exec"))
    return race_exec(a, b, atoi(argc > 4 ? argv[4] : "0"));
  if (!strcmp(op, "race-name") || !strcmp(op, "race-name-process"))
    return race_name(a, b, argc > 4 ? atoi(argv[4]) : 0,
                     argc > 5 ? argv[5] : "write",
                     !strcmp(op, "race-name-process"));
  if (!strcmp(op, "meta-probe")) return meta_probe(a);
  if (!strcmp(op, "fd-meta-probe")) return fd_meta_probe(a);
  if (!strcmp(op, "name-probe")) return name_probe(a);
  if (!strcmp(op, "root-probe")) return root_probe(a);
  if (!strcmp(op, "reach-parent")) {  // reach-parent [kill]: what the
    // sandbox can do to the process outside it that started it (syd):
    // signal it, ptrace it, read its memory two ways; then SIGKILL it
    // when asked. One word per attempt, "ok" or the error.
    const pid_t parent = getppid();
    if (parent == 0) {  // outside this pid namespace: nothing names it
      printf("parent=none\n");
      return 0;
    }
    printf("signal=%s ", kill(parent, 0) == 0 ? "ok" : strerror(errno));
    long seized = ptrace(PTRACE_SEIZE, parent, NULL, NULL);
    printf("ptrace=%s ", seized == 0 ? "ok" : strerror(errno));
    if (seized == 0) {  // a tracee is detached from a stop only
      ptrace(PTRACE_INTERRUPT, parent, NULL, NULL);
      waitpid(parent, NULL, __WALL);
      ptrace(PTRACE_DETACH, parent, NULL, NULL);
    }
    // The first mapping /proc/PID/maps shows, when it may be read; the
    // permission check comes before the address anyway.
    char byte;
    struct iovec local = {&byte, 1};
    struct iovec remote = {NULL, 1};
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/maps", parent);
    FILE* maps = fopen(path, "r");
    if (maps != NULL) {
      unsigned long start = 0;
      if (fscanf(maps, "%lx", &start) == 1) remote.iov_base = (void*)start;
      fclose(maps);
    }
    ssize_t got = process_vm_readv(parent, &local, 1, &remote, 1, 0);
    printf("vm=%s ", got == 1 ? "ok" : strerror(errno));
    snprintf(path, sizeof path, "/proc/%d/mem", parent);
    int mem = open(path, O_RDWR);
    printf("mem=%s", mem >= 0 ? "ok" : strerror(errno));
    if (mem >= 0) close(mem);
    if (a != NULL && !strcmp(a, "kill"))
      printf(" kill=%s", kill(parent, SIGKILL) == 0 ? "ok" : strerror(errno));
    printf("\n");
    return 0;
  }
  if (!strcmp(op, "ppid")) {
    printf("%d\n", getppid());
    return 0;
  }
  return 2;
}
