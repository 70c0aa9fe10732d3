// The resolver's cost per path, on the kinds of names a build opens: a
// deep work tree, a system library reached through merged-/usr links, a
// compiler's "../.." path, a relative name, and a name to be created.
// bazel run -c opt //bench:resolve_bench
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "src/tracee/paths.h"

namespace syd::tracee {
namespace {

// A work tree eight directories deep, made once under $TMPDIR.
const std::string& WorkTree() {
  static const std::string* tree = [] {
    const char* tmp = getenv("TMPDIR");
    std::string t =
        std::string(tmp != nullptr ? tmp : "/tmp") + "/resolve_bench.XXXXXX";
    if (mkdtemp(t.data()) == nullptr) abort();
    auto* dir = new std::string(t);
    for (const char* part :
         {"/var", "/tmp", "/paludis", "/build", "/app-arch-gzip-1.13", "/work",
          "/gzip-1.13", "/lib"}) {
      *dir += part;
      mkdir(dir->c_str(), 0755);
    }
    close(open((*dir + "/xsize.c").c_str(), O_WRONLY | O_CREAT, 0644));
    return dir;
  }();
  return *tree;
}

// Arg 0: syd's walk alone; arg 1: the kernel first, from a root
// descriptor, as syd resolves for a sandbox whose root it has not seen
// change.
void Resolve(benchmark::State& state, const std::string& base,
             const std::string& path, bool follow) {
  const pid_t me = getpid();
  const int root_fd =
      state.range(0) != 0 ? open("/", O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
  for (auto _ : state) {
    int error = 0;
    benchmark::DoNotOptimize(
        ResolvePath(me, "/", base, path, follow, &error, 0, "", root_fd));
  }
  if (root_fd >= 0) close(root_fd);
}

void BM_DeepFile(benchmark::State& state) {
  Resolve(state, "/", WorkTree() + "/xsize.c", true);
}
BENCHMARK(BM_DeepFile)->Arg(0)->Arg(1);

void BM_DeepNewFile(benchmark::State& state) {
  Resolve(state, "/", WorkTree() + "/xsize.o", true);
}
BENCHMARK(BM_DeepNewFile)->Arg(0)->Arg(1);

void BM_RelativeFile(benchmark::State& state) {
  Resolve(state, WorkTree(), "xsize.c", true);
}
BENCHMARK(BM_RelativeFile)->Arg(0)->Arg(1);

void BM_MergedUsrLibrary(benchmark::State& state) {
  Resolve(state, "/", "/lib/x86_64-linux-gnu/libc.so.6", true);
}
BENCHMARK(BM_MergedUsrLibrary)->Arg(0)->Arg(1);

void BM_CompilerDotDot(benchmark::State& state) {
  Resolve(state, "/",
          "/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/crt1.o",
          true);
}
BENCHMARK(BM_CompilerDotDot)->Arg(0)->Arg(1);

}  // namespace
}  // namespace syd::tracee
