#include "src/runtime/sydbox_api.h"

#include <stdlib.h>

#include <algorithm>

#include "src/base/strcat.h"
#include "src/lang/printer.h"
#include "src/syscalls/syscall_sets.h"
#include "src/syscalls/syscalls.h"

namespace syd {
namespace {

// What each category's rules name. A send with no address (arg4, NULL) is
// not judged: it never stops.
constexpr std::string_view kWrites = "sys/trace+%file_wr";
constexpr std::string_view kExecs = "sys/trace+execve,execveat";
constexpr std::string_view kBinds = "sys/trace+bind,listen";
constexpr std::string_view kConnects = "sys/trace+connect,sendmsg,sendmmsg";
constexpr std::string_view kSends = "sys/trace+sendto:arg4!=0";

// The command words this API knows, before the first '/', ':' or '+'.
constexpr std::string_view kPrefixes[] = {"core/", "whitelist/", "filter/",
                                          "exec/", "cmd/"};

// A string for a rule: quoted, and "${" kept as written (the sandbox's
// text names no variable of syd's).
std::string Literal(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i, 2) == "${") out += '$';
    out += text[i];
  }
  return QuoteString(out);
}

// `path` with the links of its longest existing part followed, as syd
// judges calls by the paths they resolve to (/bin/true is /usr/bin/true on
// a merged /usr; a work directory under a link is where the link points).
std::string Canonical(const std::string& path) {
  std::string head = path;
  std::string tail;
  for (int i = 0; i < 4096 && !head.empty(); ++i) {
    if (char* real = realpath(head.c_str(), nullptr)) {
      std::string out = real;
      free(real);
      if (!tail.empty()) out += (out == "/" ? "" : "/") + tail;
      return out;
    }
    const size_t slash = head.find_last_of('/');
    if (slash == std::string::npos) break;
    tail = tail.empty() ? head.substr(slash + 1)
                        : head.substr(slash + 1) + "/" + tail;
    head = slash == 0 ? "/" : head.substr(0, slash);
  }
  return path;
}

// sydbox's Paludis configuration matches a path without wildcards as a
// prefix (core/match/no_wildcard:prefix): the path and all below it.
std::string PathGlob(std::string_view path) {
  if (path.find_first_of("*?[") != std::string_view::npos)
    return std::string(path);
  std::string out = Canonical(std::string(path));
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out == "/" ? "/***" : out + "/***";
}

// An address as sydbox writes it (inet:127.0.0.1@80, inet6:::1@80,
// unix:/path, unix-abstract:name, LOOPBACK@1024-65535) as syd's pattern.
absl::StatusOr<std::string> AddressPattern(std::string_view addr) {
  std::string out;
  if (addr.starts_with("inet6:")) {
    out = StrCat("inet6://", addr.substr(6));
  } else if (addr.starts_with("inet:")) {
    out = StrCat("inet://", addr.substr(5));
  } else {
    out = std::string(addr);
  }
  absl::StatusOr<NetPattern> p = NetPattern::Parse(out);
  if (!p.ok()) return p.status();
  if (p->bound) {
    return absl::InvalidArgumentError("BOUND is syd's, not an address");
  }
  return out;
}

bool Remove(std::vector<std::string>* list, const std::string& value) {
  auto it = std::find(list->begin(), list->end(), value);
  if (it == list->end()) return false;
  list->erase(it);
  return true;
}

// "write", "exec" or "network" of core/sandbox/NAME.
bool* SandboxOf(std::string_view name, bool* write, bool* exec, bool* network) {
  if (name == "write") return write;
  if (name == "exec") return exec;
  if (name == "network") return network;
  return nullptr;
}

bool InSet(std::string_view set, int nr) {
  const std::vector<SetMember>* members = ExpandSet(set);
  return members != nullptr &&
         std::any_of(members->begin(), members->end(),
                     [nr](const SetMember& m) { return m.nr == nr; });
}

}  // namespace

bool IsSydboxCommand(std::string_view command) {
  if (command == "1" || command == "1?") return true;
  return std::any_of(
      std::begin(kPrefixes), std::end(kPrefixes),
      [&](std::string_view p) { return command.starts_with(p); });
}

absl::StatusOr<SydboxApi::Effect> SydboxApi::Run(std::string_view command) {
  Effect effect;
  if (command == "1" || command == "1?") return effect;  // API 1 is spoken
  if (command.starts_with("core/sandbox/")) {
    std::string_view rest = command.substr(13);
    const size_t colon = rest.find(':');
    const bool query = rest.ends_with('?');
    std::string_view name =
        query ? rest.substr(0, rest.size() - 1) : rest.substr(0, colon);
    bool* on = SandboxOf(name, &write_on_, &exec_on_, &network_on_);
    if (on == nullptr) {
      return absl::InvalidArgumentError(
          StrCat("core/sandbox/ takes write, exec or network, not '", name,
                 "' (syd judges reads by the policy alone)"));
    }
    if (query) {
      effect.kind = Effect::Kind::kQuery;
      effect.holds = *on;
      return effect;
    }
    std::string_view state =
        colon == std::string_view::npos ? "" : rest.substr(colon + 1);
    if (state == "deny") {
      *on = true;
    } else if (state == "off") {
      *on = false;
    } else {
      return absl::InvalidArgumentError(
          StrCat("core/sandbox/", name, " takes :deny, :off or ?, not '", state,
                 "' (an allow-by-default sandbox is the policy's)"));
    }
    effect.kind = Effect::Kind::kChange;
    return effect;
  }
  if (command.starts_with("core/trace/magic_lock:")) {
    std::string_view state = command.substr(22);
    if (state != "on" && state != "off" && state != "exec" && state != "on?" &&
        state != "off?" && state != "exec?") {
      return absl::InvalidArgumentError(
          StrCat("magic_lock takes on, off or exec, not '", state, "'"));
    }
    effect.kind = Effect::Kind::kLock;
    effect.lock = StrCat("lock:", state);
    return effect;
  }
  if (command.starts_with("core/trace/exit_wait_all:")) {
    std::string_view value = command.substr(25);
    if (value == "true" || value == "true?") return effect;
    if (value == "false" || value == "false?") {
      return absl::InvalidArgumentError(
          "exit_wait_all:false is refused: syd waits for every process of "
          "the sandbox, and would otherwise leave some running unjudged");
    }
    return absl::InvalidArgumentError(
        StrCat("exit_wait_all takes true or false, not '", value, "'"));
  }
  if (command.starts_with("exec/resume_if_match") ||
      command.starts_with("cmd/exec")) {
    return absl::InvalidArgumentError(
        "refused: it runs a program outside the sandbox (sydbox's "
        "resume_if_match and sydfmt exec), which syd never does");
  }
  // LIST+VALUE and LIST-VALUE.
  const size_t op = command.find_first_of("+-");
  if (op == std::string_view::npos) {
    return absl::InvalidArgumentError(
        "unknown sydbox-1 command (syd speaks core/sandbox/, "
        "core/trace/magic_lock:, core/trace/exit_wait_all:, whitelist/, "
        "filter/ and exec/kill_if_match)");
  }
  if (absl::Status s =
          Edit(command.substr(0, op), command[op], command.substr(op + 1));
      !s.ok()) {
    return s;
  }
  effect.kind = Effect::Kind::kChange;
  return effect;
}

absl::Status SydboxApi::Edit(std::string_view list, char op,
                             std::string_view value) {
  if (value.empty()) {
    return absl::InvalidArgumentError(
        StrCat(list, std::string(1, op), " needs a value"));
  }
  const bool add = op == '+';
  auto edit = [&](std::vector<std::string>* to, std::string item) {
    if (!add) {
      return Remove(to, item) ? absl::OkStatus()
                              : absl::NotFoundError(
                                    StrCat("no ", list, " entry is ", value));
    }
    if (std::find(to->begin(), to->end(), item) == to->end())
      to->push_back(std::move(item));
    return absl::OkStatus();
  };
  const bool is_path = list == "whitelist/write" || list == "whitelist/exec" ||
                       list == "filter/write" || list == "filter/exec" ||
                       list == "exec/kill_if_match";
  if (is_path && value[0] != '/') {
    return absl::InvalidArgumentError(
        StrCat(list, " takes an absolute path, not '", value, "'"));
  }
  if (list == "whitelist/write") return edit(&write_allow_, PathGlob(value));
  if (list == "whitelist/exec") return edit(&exec_allow_, PathGlob(value));
  if (list == "exec/kill_if_match") return edit(&kill_, PathGlob(value));
  if (list == "filter/write" || list == "filter/exec") {
    auto& filters = list == "filter/write" ? write_filter_ : exec_filter_;
    const std::string glob = PathGlob(value);
    if (!GlobToRegex(glob)) {
      return absl::InvalidArgumentError(
          StrCat("'", value, "' is not a glob syd can read"));
    }
    auto it = std::find_if(filters.begin(), filters.end(),
                           [&](const auto& g) { return g->text() == glob; });
    if (!add) {
      if (it == filters.end())
        return absl::NotFoundError(StrCat("no ", list, " entry is ", value));
      filters.erase(it);
    } else if (it == filters.end()) {
      filters.push_back(std::make_shared<const Glob>(glob));
    }
    return absl::OkStatus();
  }
  if (list == "whitelist/network/bind" || list == "whitelist/network/connect" ||
      list == "filter/network") {
    absl::StatusOr<std::string> pattern = AddressPattern(value);
    if (!pattern.ok()) {
      return absl::InvalidArgumentError(StrCat(
          "'", value, "' is not an address: ", pattern.status().message()));
    }
    if (list == "filter/network") {
      const NetPattern p = *NetPattern::Parse(*pattern);
      auto it = std::find(network_filter_.begin(), network_filter_.end(), p);
      if (!add) {
        if (it == network_filter_.end())
          return absl::NotFoundError(StrCat("no ", list, " entry is ", value));
        network_filter_.erase(it);
      } else if (it == network_filter_.end()) {
        network_filter_.push_back(p);
      }
      return absl::OkStatus();
    }
    return edit(
        list == "whitelist/network/bind" ? &bind_allow_ : &connect_allow_,
        *pattern);
  }
  return absl::InvalidArgumentError(
      StrCat("unknown sydbox-1 list '", list, "'"));
}

std::vector<std::string> SydboxApi::Block() const {
  std::vector<std::string> out;
  for (const std::string& g : kill_)
    out.push_back(StrCat(kExecs, ":kill_process=SIGKILL:arg_=*", Literal(g)));
  if (exec_on_) {
    for (const std::string& g : exec_allow_)
      out.push_back(StrCat(kExecs, ":allow:arg_=*", Literal(g)));
    out.push_back(StrCat(kExecs, ":fault=EPERM"));
  }
  if (write_on_) {
    for (const std::string& g : write_allow_)
      out.push_back(StrCat(kWrites, ":allow:arg_=*", Literal(g)));
  } else {
    out.push_back(StrCat(kWrites, ":allow"));
  }
  if (network_on_) {
    for (const std::string& a : bind_allow_)
      out.push_back(StrCat(kBinds, ":allow:arg_@~", Literal(a)));
    for (const std::string& a : connect_allow_) {
      out.push_back(StrCat(kConnects, ":allow:arg_@~", Literal(a)));
      out.push_back(StrCat(kSends, ":allow:arg_@~", Literal(a)));
    }
  } else {
    out.push_back(StrCat(kBinds, ":allow"));
    out.push_back(StrCat(kConnects, ":allow"));
    out.push_back(StrCat(kSends, ":allow"));
  }
  return out;
}

bool SydboxApi::Silences(const Call& e) const {
  const SyscallInfo* s = FindSyscall(e.nr);
  if (s == nullptr) return false;
  auto any_path = [&](const auto& filters) {
    for (int i = 0; i < s->nargs; ++i) {
      if (!e.strings[i]) continue;
      for (const auto& g : filters) {
        if (g->Matches(*e.strings[i])) return true;
      }
    }
    return false;
  };
  if (s->name == "execve" || s->name == "execveat") {
    return any_path(exec_filter_);
  }
  if (!network_filter_.empty() && InSet("net", e.nr)) {
    for (const auto& a : e.addresses) {
      if (!a) continue;
      for (const NetPattern& p : network_filter_) {
        if (p.Matches(*a)) return true;
      }
    }
  }
  return InSet("file_wr", e.nr) && any_path(write_filter_);
}

}  // namespace syd
