// Emits classic BPF with symbolic forward labels. Conditional jumps reach
// only 255 instructions; the assembler lengthens the ones that need more
// into a short jump over two unconditional ones (`ja` reaches 2^32).
#ifndef SYD_COMPILE_ASSEMBLER_H_
#define SYD_COMPILE_ASSEMBLER_H_

#include <linux/filter.h>

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"

namespace syd {

class Assembler {
 public:
  using Label = int;

  Label NewLabel();
  // Places `l` at the next instruction. Every label is bound once, after
  // every jump to it (jumps only go forward).
  void Bind(Label l);
  void Load(uint32_t offset);  // A = seccomp_data[offset], 32 bits
  void Ret(uint32_t value);
  void Jump(Label to);
  // if (A op k) goto if_true; else goto if_false. op: BPF_JEQ, BPF_JGT,
  // BPF_JGE or BPF_JSET.
  void JumpIf(uint16_t op, uint32_t k, Label if_true, Label if_false);

  absl::StatusOr<std::vector<sock_filter>> Finish();

 private:
  struct Item {
    enum class Kind : uint8_t { kInsn, kLabel, kJump, kCond };
    Kind kind;
    sock_filter insn{};
    uint16_t op = 0;
    uint32_t k = 0;
    Label target = -1;  // kLabel: the label; kJump: where; kCond: if true
    Label other = -1;   // kCond: if false
    bool wide = false;
  };
  std::vector<Item> items_;
  int labels_ = 0;
};

}  // namespace syd

#endif  // SYD_COMPILE_ASSEMBLER_H_
