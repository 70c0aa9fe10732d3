#include "src/runtime/plugin_loader.h"

#include <dlfcn.h>

#include <vector>

#include "src/base/strcat.h"

namespace syd {

absl::StatusOr<std::unique_ptr<Plugin>> Plugin::Load(
    const PluginRef& ref, const syd_plugin_host* host) {
  std::unique_ptr<Plugin> p(new Plugin());
  p->path_ = ref.path;
  // RTLD_LOCAL: two plugins may export the same names.
  p->handle_ = dlopen(ref.path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (p->handle_ == nullptr) {
    const char* why = dlerror();
    return absl::NotFoundError(
        StrCat("cannot load the plugin: ", why ? why : "unknown error"));
  }
  auto symbol = [&](const char* name) { return dlsym(p->handle_, name); };
  auto abi = reinterpret_cast<uint32_t (*)()>(symbol("syd_plugin_abi"));
  auto init =
      reinterpret_cast<int (*)(const syd_plugin_host*, const syd_plugin_option*,
                               size_t, void**, char*, size_t)>(
          symbol("syd_plugin_init"));
  p->enter_ = reinterpret_cast<EnterFn>(symbol("syd_plugin_enter"));
  p->exit_ = reinterpret_cast<ExitFn>(symbol("syd_plugin_exit"));
  p->finish_ = reinterpret_cast<FinishFn>(symbol("syd_plugin_finish"));
  for (auto [fn, name] :
       {std::pair<bool, const char*>{abi != nullptr, "syd_plugin_abi"},
        {init != nullptr, "syd_plugin_init"},
        {p->enter_ != nullptr, "syd_plugin_enter"}}) {
    if (!fn) {
      return absl::InvalidArgumentError(
          StrCat(ref.path, " does not export ", name,
                 " (is it a syd plugin? C++ plugins need extern \"C\")"));
    }
  }
  if (uint32_t v = abi(); v != SYD_PLUGIN_ABI_VERSION) {
    return absl::FailedPreconditionError(
        StrCat(ref.path, " is built for plugin ABI ", v, "; this syd speaks ",
               SYD_PLUGIN_ABI_VERSION, ": rebuild it against syd/plugin.h"));
  }
  std::vector<syd_plugin_option> options;
  for (const auto& [key, value] : ref.options)
    options.push_back({key.c_str(), value.c_str()});
  char error[512] = "";
  if (init(host, options.data(), options.size(), &p->state_, error,
           sizeof error) != 0) {
    error[sizeof error - 1] = '\0';
    return absl::FailedPreconditionError(StrCat(
        ref.path,
        ": init failed: ", error[0] ? error : "(the plugin gave no reason)"));
  }
  return p;
}

bool Plugin::ExportsExitHook(const std::string& path) {
  void* handle = dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (handle == nullptr) return false;
  // Left loaded: Load's dlopen then finds the same object, and its
  // constructors run once (a dlclose here unloaded it, and they ran
  // again).
  return dlsym(handle, "syd_plugin_exit") != nullptr;
}

void Plugin::Finish(int exit_status) {
  if (finished_) return;
  finished_ = true;
  if (finish_ != nullptr) finish_(state_, exit_status);
}

Plugin::~Plugin() {
  // No dlclose: a plugin's own threads or atexit handlers may still need
  // its code, and syd is about to exit anyway.
}

}  // namespace syd
