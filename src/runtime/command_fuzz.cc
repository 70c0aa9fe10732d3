// libFuzzer target for runtime commands, which come from sandboxed (that
// is, untrusted) processes: any bytes through RuntimeRules::Execute against
// a Paludis-like policy. Nothing may crash, an error must change nothing,
// and every rule in force must be one the sealed filter sends to syd.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "src/lang/loader.h"
#include "src/policy/resolve.h"
#include "src/runtime/runtime.h"

namespace {

const syd::Policy& Base() {
  static const syd::Policy* policy = [] {
    syd::Diagnostics d;
    syd::RuleSet rules = syd::Resolve(
        syd::LoadInputs({{syd::PolicyInput::Kind::kRule,
                          "sys/fault+unlinkat:arg2=0:error=EROFS\n"
                          "sys/trace+%file_wr:allow:arg_=*\"/work/***\"\n"
                          "sys/trace+%file_wr:fault=EPERM:log=2\n"
                          "sys/trace+bind:allow:arg_@~\"LOOPBACK@0\"\n"}},
                        d),
        d);
    return new syd::Policy(std::move(rules));
  }();
  return *policy;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  syd::RuntimeRules rt(Base());
  std::string text(reinterpret_cast<const char*>(data), size);
  // Several commands per input, split at newlines, as a script would send.
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const size_t before = rt.policy().rules().size();
    absl::Status s = rt.Execute(text.substr(start, end - start), "fuzz",
                                /*readonly=*/false);
    if (!s.ok() && rt.policy().rules().size() != before) std::abort();
    start = end + 1;
  }
  for (size_t i = 0; i < rt.added(); ++i) {
    if (!syd::WhyKernelDecides(Base(), rt.policy().rules()[i]).empty())
      std::abort();
  }
  return 0;
}
