#include "src/supervise/output_capture.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cstring>
#include <utility>

#include "src/base/strcat.h"
#include "src/base/thread_holding_signals.h"
#include "src/policy/limits.h"

namespace syd::supervise {
namespace {

void CloseFd(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

constexpr const char* kStreamNames[] = {"stdout", "stderr"};

}  // namespace

absl::StatusOr<OutputCapture> OutputCapture::Open(
    const std::string& stdout_path, const std::string& stderr_path,
    std::optional<uint64_t> cap) {
  OutputCapture out;
  out.cap_ = cap;
  const std::string* paths[] = {&stdout_path, &stderr_path};
  for (int i = 0; i < 2; ++i) {
    Stream& s = out.streams_[i];
    if (paths[i]->empty()) continue;
    // The same file for both streams is one pipe, as 2>&1 is: the file
    // has them in the order the command wrote them.
    if (i == 1 && *paths[1] == *paths[0]) {
      out.shared_ = true;
      continue;
    }
    s.path = *paths[i];
    s.file = open(s.path.c_str(),
                  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0666);
    int ends[2];
    if (s.file < 0 || pipe2(ends, O_CLOEXEC) != 0) {
      return absl::FailedPreconditionError(StrCat(
          "isolate/", kStreamNames[i], "=", s.path, ": ", strerror(errno)));
    }
    s.read_end = ends[0];
    s.write_end = ends[1];
    // Only syd's end: the command's blocks as a pipe's would.
    fcntl(s.read_end, F_SETFL, O_NONBLOCK);
  }
  if (pipe2(out.stop_, O_CLOEXEC) != 0)
    return absl::FailedPreconditionError(StrCat("pipe2: ", strerror(errno)));
  return out;
}

OutputCapture::OutputCapture(OutputCapture&& other) noexcept
    : streams_(std::exchange(other.streams_, {})),
      cap_(other.cap_),
      shared_(other.shared_),
      stop_{std::exchange(other.stop_[0], -1),
            std::exchange(other.stop_[1], -1)} {}

OutputCapture::~OutputCapture() {
  if (thread_.joinable()) Finish();
  for (Stream& s : streams_) {
    CloseFd(&s.file);
    CloseFd(&s.read_end);
    CloseFd(&s.write_end);
  }
  CloseFd(&stop_[0]);
  CloseFd(&stop_[1]);
}

void OutputCapture::Start() {
  for (Stream& s : streams_) CloseFd(&s.write_end);
  thread_ = StartThreadHoldingSignals([this] { Copy(); });
}

bool OutputCapture::Drain(Stream& s) {
  char buf[65536];
  for (;;) {
    const ssize_t n = read(s.read_end, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno == EAGAIN;
    if (n == 0) return false;
    uint64_t keep = static_cast<uint64_t>(n);
    if (cap_ && s.written + keep > *cap_) keep = *cap_ - s.written;
    if (s.write_error != 0) keep = 0;
    size_t done = 0;
    while (done < keep) {
      const ssize_t w = write(s.file, buf + done, keep - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        s.write_error = w < 0 ? errno : ENOSPC;
        break;
      }
      done += static_cast<size_t>(w);
    }
    s.written += done;
    s.dropped += static_cast<uint64_t>(n) - done;
  }
}

void OutputCapture::Copy() {
  bool open[2] = {streams_[0].read_end >= 0, streams_[1].read_end >= 0};
  for (;;) {
    pollfd fds[3] = {{stop_[0], POLLIN, 0},
                     {open[0] ? streams_[0].read_end : -1, POLLIN, 0},
                     {open[1] ? streams_[1].read_end : -1, POLLIN, 0}};
    if (!open[0] && !open[1]) return;
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (open[i] && fds[i + 1].revents != 0) open[i] = Drain(streams_[i]);
    }
    if (fds[0].revents != 0) {
      // The sandbox has ended: what is in the pipes now is all there is.
      for (int i = 0; i < 2; ++i) {
        if (open[i]) Drain(streams_[i]);
      }
      return;
    }
  }
}

std::vector<std::string> OutputCapture::Finish() {
  if (!thread_.joinable()) return {};
  const char byte = 0;
  if (write(stop_[1], &byte, 1) < 0) {
    // The thread then ends at the pipes' EOF.
  }
  thread_.join();
  std::vector<std::string> said;
  for (int i = 0; i < 2; ++i) {
    const Stream& s = streams_[i];
    if (s.path.empty()) continue;
    const char* name = shared_ ? "stdout and stderr" : kStreamNames[i];
    if (s.write_error != 0) {
      said.push_back(StrCat(name, " (", s.path,
                            "): cannot write: ", strerror(s.write_error), "; ",
                            s.dropped, " bytes were lost"));
    } else if (s.dropped > 0) {
      said.push_back(StrCat(name, " (", s.path, "): ", s.written,
                            " bytes kept, ", s.dropped, " dropped past ",
                            LimitText(kOutputLimit, *cap_)));
    }
  }
  return said;
}

}  // namespace syd::supervise
