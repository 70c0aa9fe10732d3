// Loads a plugin (include/syd/plugin.h) for one load= rule and calls its
// hooks. Every way a plugin can be unusable is an error the user can read
// before the command starts.
#ifndef SYD_RUNTIME_PLUGIN_LOADER_H_
#define SYD_RUNTIME_PLUGIN_LOADER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "src/policy/rules.h"
#include "syd/plugin.h"

namespace syd {

class Plugin {
 public:
  // dlopens `ref.path`, checks its ABI version and symbols, and runs its
  // init hook with `ref.options`. `host` must outlive the plugin.
  static absl::StatusOr<std::unique_ptr<Plugin>> Load(
      const PluginRef& ref, const syd_plugin_host* host);
  // Whether the shared object at `path` exports an exit hook
  // (syd_plugin_exit), which needs each call's result; false also where it
  // cannot be loaded (Load says why). Loads and unloads it: its
  // constructors run.
  static bool ExportsExitHook(const std::string& path);
  ~Plugin();
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  syd_plugin_verdict Enter(const syd_plugin_call& call) {
    return enter_(state_, &call);
  }
  bool has_exit() const { return exit_ != nullptr; }
  void Exit(const syd_plugin_call& call) { exit_(state_, &call); }
  // Runs the finish hook once; later calls do nothing.
  void Finish(int exit_status);
  const std::string& path() const { return path_; }

 private:
  Plugin() = default;

  using EnterFn = syd_plugin_verdict (*)(void*, const syd_plugin_call*);
  using ExitFn = void (*)(void*, const syd_plugin_call*);
  using FinishFn = void (*)(void*, int);

  std::string path_;
  void* handle_ = nullptr;
  void* state_ = nullptr;
  EnterFn enter_ = nullptr;
  ExitFn exit_ = nullptr;
  FinishFn finish_ = nullptr;
  bool finished_ = false;
};

}  // namespace syd

#endif  // SYD_RUNTIME_PLUGIN_LOADER_H_
