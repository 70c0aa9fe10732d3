// Copies of the sandbox's descriptors in syd (pidfd_getfd), through a
// pidfd kept per thread; and the copy whose file a call was judged by,
// kept for syd to make that call on. Judged and acted on, the copy is one
// file: a thread's dup2 in between changes neither, and syd needs no
// second look at what it names. Calls are decided on more than one of
// syd's threads: what is kept is kept for the thread that decides.
#ifndef SYD_TRACEE_DESCRIPTOR_COPIES_H_
#define SYD_TRACEE_DESCRIPTOR_COPIES_H_

#include <sys/types.h>

#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace syd::tracee {

class DescriptorCopies {
 public:
  DescriptorCopies() = default;
  ~DescriptorCopies();
  DescriptorCopies(const DescriptorCopies&) = delete;
  DescriptorCopies& operator=(const DescriptorCopies&) = delete;

  // A copy of descriptor `fd` of thread `tid`, from the thread's own
  // table (a thread may have one of its own), close-on-exec; or -errno:
  // -EBADF when it is not open, -EPERM or -ENOSYS where syd may not copy.
  // The tid may be another thread's by now: the caller asks, after,
  // whether the call still waits.
  int Copy(pid_t tid, int fd);

  // Keeps `copy`, of descriptor `fd` of thread `tid`, whose file syd
  // named `name` for the call this thread of syd's decides; closed by
  // DropKept where TakeKept does not take it.
  void Keep(pid_t tid, int fd, int copy, const std::string& name);
  // The copy this thread of syd's kept of `tid`'s `fd` where its name was
  // `name`, now the caller's to close; else -1.
  int TakeKept(pid_t tid, int fd, const std::string& name);
  // Closes what this thread of syd's kept, before the call is answered: a
  // copy held past the answer holds the file open (a writable one makes
  // an exec of it fail with ETXTBSY).
  void DropKept();
  // DropKept when this goes, unless the kept copy was handed over to
  // whoever takes it next (and drops it itself).
  class DropOnExit {
   public:
    explicit DropOnExit(DescriptorCopies& copies) : copies_(copies) {}
    DropOnExit(const DropOnExit&) = delete;
    DropOnExit& operator=(const DropOnExit&) = delete;
    ~DropOnExit() {
      if (!handed_over_) copies_.DropKept();
    }
    void HandOver(bool handed_over) { handed_over_ = handed_over; }

   private:
    DescriptorCopies& copies_;
    bool handed_over_ = false;
  };

 private:
  // A pidfd of thread `tid` (of its process where it leads it), kept for
  // its next call; -errno. `fresh`: not the one kept, which may be of a
  // thread that has gone. With mu_ held, until the pidfd is used: another
  // thread's call may close it.
  int PidfdOf(pid_t tid, bool fresh);

  std::mutex mu_;
  std::unordered_map<pid_t, int> pidfds_;  // guarded by mu_
  struct Kept {
    pid_t decider = 0;  // syd's thread that decides the call
    pid_t tid = 0;
    int fd = -1;
    int copy = -1;
    std::string name;
  };
  // A call acts on one descriptor's file: two per deciding thread are
  // room enough. Guarded by mu_.
  std::vector<Kept> kept_;
};

}  // namespace syd::tracee

#endif  // SYD_TRACEE_DESCRIPTOR_COPIES_H_
