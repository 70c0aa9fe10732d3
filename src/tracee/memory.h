// Reading a tracee's memory.
#ifndef SYD_TRACEE_MEMORY_H_
#define SYD_TRACEE_MEMORY_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace syd::tracee {

// Reads `size` bytes at `addr`; process_vm_readv, falling back to
// /proc/PID/mem and then PTRACE_PEEKDATA where it is refused. Nothing when
// the memory is not there.
bool ReadMemory(pid_t pid, uint64_t addr, void* out, size_t size);

// Writes `size` bytes at `addr` (a stat buffer the tracee passed); as
// ReadMemory, with process_vm_writev first.
bool WriteMemory(pid_t pid, uint64_t addr, const void* data, size_t size);

// Reads a NUL-terminated string of at most `max` bytes (PATH_MAX for paths).
// Nothing for a NULL or unreadable pointer, or a string without its NUL.
std::optional<std::string> ReadString(pid_t pid, uint64_t addr, size_t max);

}  // namespace syd::tracee

#endif  // SYD_TRACEE_MEMORY_H_
