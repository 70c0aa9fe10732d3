#include "src/compile/assembler.h"

#include "src/base/strcat.h"

namespace syd {

Assembler::Label Assembler::NewLabel() { return labels_++; }

void Assembler::Bind(Label l) {
  items_.push_back({Item::Kind::kLabel, {}, 0, 0, l});
}

void Assembler::Load(uint32_t offset) {
  items_.push_back(
      {Item::Kind::kInsn, BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset)});
}

void Assembler::Ret(uint32_t value) {
  items_.push_back({Item::Kind::kInsn, BPF_STMT(BPF_RET | BPF_K, value)});
}

void Assembler::Jump(Label to) {
  items_.push_back({Item::Kind::kJump, {}, 0, 0, to});
}

void Assembler::JumpIf(uint16_t op, uint32_t k, Label if_true, Label if_false) {
  items_.push_back({Item::Kind::kCond, {}, op, k, if_true, if_false});
}

absl::StatusOr<std::vector<sock_filter>> Assembler::Finish() {
  // Lay out, widen the conditional jumps that cannot reach, repeat until
  // nothing changes. Sizes only grow, so this ends.
  std::vector<size_t> pos(items_.size());
  std::vector<int64_t> label_pos(labels_, -1);
  for (bool changed = true; changed;) {
    changed = false;
    size_t at = 0;
    for (size_t i = 0; i < items_.size(); ++i) {
      pos[i] = at;
      const Item& it = items_[i];
      if (it.kind == Item::Kind::kLabel) {
        label_pos[it.target] = static_cast<int64_t>(at);
      } else {
        at += it.kind == Item::Kind::kCond && it.wide ? 3 : 1;
      }
    }
    for (size_t i = 0; i < items_.size(); ++i) {
      Item& it = items_[i];
      if (it.kind != Item::Kind::kCond || it.wide) continue;
      int64_t from = static_cast<int64_t>(pos[i]) + 1;
      int64_t t = label_pos[it.target] - from, f = label_pos[it.other] - from;
      if (t < 0 || f < 0 || t > 255 || f > 255) {
        it.wide = true;
        changed = true;
      }
    }
  }
  std::vector<sock_filter> out;
  for (size_t i = 0; i < items_.size(); ++i) {
    const Item& it = items_[i];
    auto offset = [&](Label l, size_t from) -> absl::StatusOr<uint32_t> {
      int64_t d = label_pos[l] - static_cast<int64_t>(from);
      if (label_pos[l] < 0 || d < 0) {
        return absl::InternalError(
            StrCat("BPF label ", l, " is unbound or behind a jump"));
      }
      return static_cast<uint32_t>(d);
    };
    switch (it.kind) {
      case Item::Kind::kLabel:
        break;
      case Item::Kind::kInsn:
        out.push_back(it.insn);
        break;
      case Item::Kind::kJump: {
        absl::StatusOr<uint32_t> d = offset(it.target, out.size() + 1);
        if (!d.ok()) return d.status();
        out.push_back(BPF_JUMP(BPF_JMP | BPF_JA, *d, 0, 0));
        break;
      }
      case Item::Kind::kCond: {
        if (!it.wide) {
          absl::StatusOr<uint32_t> t = offset(it.target, out.size() + 1);
          absl::StatusOr<uint32_t> f = offset(it.other, out.size() + 1);
          if (!t.ok()) return t.status();
          if (!f.ok()) return f.status();
          out.push_back(BPF_JUMP(BPF_JMP | it.op | BPF_K, it.k,
                                 static_cast<uint8_t>(*t),
                                 static_cast<uint8_t>(*f)));
          break;
        }
        // jcond k, 0, 1; ja true; ja false
        out.push_back(BPF_JUMP(BPF_JMP | it.op | BPF_K, it.k, 0, 1));
        absl::StatusOr<uint32_t> t = offset(it.target, out.size() + 1);
        if (!t.ok()) return t.status();
        out.push_back(BPF_JUMP(BPF_JMP | BPF_JA, *t, 0, 0));
        absl::StatusOr<uint32_t> f = offset(it.other, out.size() + 1);
        if (!f.ok()) return f.status();
        out.push_back(BPF_JUMP(BPF_JMP | BPF_JA, *f, 0, 0));
        break;
      }
    }
  }
  return out;
}

}  // namespace syd
