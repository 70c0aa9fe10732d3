// The command's stdout and stderr to files (isolate/stdout=, stderr=):
// the command writes into pipes, and a thread of syd's copies them to the
// files, which syd opened in its own view before the command started. Past
// limit/output the rest is read and dropped, never left to fill the pipe:
// the command does not block, and does not see EPIPE. syd's own messages
// are not captured.
#ifndef SYD_SUPERVISE_OUTPUT_CAPTURE_H_
#define SYD_SUPERVISE_OUTPUT_CAPTURE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"

namespace syd::supervise {

class OutputCapture {
 public:
  // Opens (creating or truncating) the files named, stdout's and
  // stderr's, "" for a stream not captured, and their pipes. `cap` is the
  // bytes kept of each, when set. An error names the file.
  static absl::StatusOr<OutputCapture> Open(const std::string& stdout_path,
                                            const std::string& stderr_path,
                                            std::optional<uint64_t> cap);
  OutputCapture(OutputCapture&& other) noexcept;
  OutputCapture& operator=(OutputCapture&&) = delete;
  ~OutputCapture();

  // The write end the command gets as descriptor 1 or 2, or -1 where that
  // stream is not captured (close-on-exec: the child dup2s it).
  int ChildEnd(int stream) const {
    return streams_[shared_ ? 0 : stream - 1].write_end;
  }
  // After the fork: closes syd's copies of the write ends and starts
  // copying.
  void Start();
  // After the sandbox has ended: copies what is left in the pipes (a
  // process that outlived the command, holding a write end, is not waited
  // for), closes everything, and says, a line a stream, what was dropped
  // at the cap or lost; nothing when nothing was.
  std::vector<std::string> Finish();

 private:
  struct Stream {
    std::string path;
    int file = -1;
    int read_end = -1;
    int write_end = -1;
    uint64_t written = 0;
    uint64_t dropped = 0;
    int write_error = 0;  // the file's: what is read after it is dropped
  };
  OutputCapture() = default;
  void Copy();
  // Reads what `s` has now into its file; false at its end (EOF or error).
  bool Drain(Stream& s);

  std::array<Stream, 2> streams_;
  std::optional<uint64_t> cap_;
  bool shared_ = false;     // both to one file: one pipe, streams_[0]
  int stop_[2] = {-1, -1};  // a pipe: its write end tells the thread to end
  std::thread thread_;
};

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_OUTPUT_CAPTURE_H_
