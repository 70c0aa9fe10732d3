#include "src/policy/isolation.h"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sched.h>

#include <algorithm>
#include <charconv>
#include <iterator>

#include "src/base/split.h"
#include "src/base/strcat.h"
#include "src/lang/identifiers.h"
#include "src/lang/suggest.h"

namespace syd {
namespace {

struct NamespaceInfo {
  std::string_view name;
  uint64_t flag;
};
constexpr NamespaceInfo kNamespaces[] = {
    {"mount", CLONE_NEWNS}, {"pid", CLONE_NEWPID}, {"net", CLONE_NEWNET},
    {"ipc", CLONE_NEWIPC},  {"uts", CLONE_NEWUTS}, {"cgroup", CLONE_NEWCGROUP},
};

absl::Status Invalid(std::string_view name, std::string_view value,
                     std::string_view why) {
  return absl::InvalidArgumentError(
      StrCat("isolate/", name, "=", value, ": ", why));
}

bool ParseNumber(std::string_view text, uint64_t* out) {
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, *out);
  return !text.empty() && ec == std::errc() && p == end;
}

// Whether `path` is absolute with no "." or ".." part: the command's view
// has no cwd yet to be relative to, and a mount target with ".." could land
// outside the new root.
bool IsPlainAbsolute(std::string_view path) {
  if (path.empty() || path[0] != '/') return false;
  for (std::string_view part : Split(path, '/')) {
    if (part == "." || part == "..") return false;
  }
  return true;
}

std::string Normal(std::string_view path) {
  std::string out;
  for (std::string_view part : Split(path, '/')) {
    if (!part.empty()) StrAppend(&out, "/", part);
  }
  return out.empty() ? "/" : out;
}

// Sets a single-valued setting: the same value again is no change, another
// one is an error (a later profile may not loosen an earlier one's).
template <typename T>
absl::Status SetOnce(std::string_view name, std::string_view value, T* field,
                     const T& to, bool is_set) {
  if (is_set && !(*field == to)) {
    return Invalid(name, value, "it is set already, to another value");
  }
  *field = to;
  return absl::OkStatus();
}

absl::Status Unshare(std::string_view value, Isolation* out) {
  for (std::string_view name : Split(value, ',')) {
    const NamespaceInfo* found = nullptr;
    std::vector<std::string_view> names;
    for (const NamespaceInfo& ns : kNamespaces) {
      if (ns.name == name) found = &ns;
      names.push_back(ns.name);
    }
    if (name == "user") {
      return Invalid("unshare", value,
                     "a user namespace is not a setting: syd makes one by "
                     "itself where it runs without root and the others "
                     "need it");
    }
    if (found == nullptr) {
      return Invalid(
          "unshare", value,
          StrCat("unknown namespace '", name, "'", DidYouMean(name, names),
                 " (mount, pid, net, ipc, uts, cgroup)"));
    }
    out->namespaces |= found->flag;
  }
  return absl::OkStatus();
}

absl::Status Mount(IsolateSetting setting, std::string_view name,
                   std::string_view value, Isolation* out) {
  RootMount m;
  std::string_view target = value;
  switch (setting) {
    case IsolateSetting::kBind:
    case IsolateSetting::kBindRo: {
      m.kind = setting == IsolateSetting::kBind ? RootMount::Kind::kBind
                                                : RootMount::Kind::kBindRo;
      const size_t colon = value.find(':');
      const std::string_view source = value.substr(0, colon);
      target =
          colon == std::string_view::npos ? source : value.substr(colon + 1);
      if (!IsPlainAbsolute(source)) {
        return Invalid(name, value,
                       "the source must be an absolute path without . or ..");
      }
      m.source = Normal(source);
      break;
    }
    case IsolateSetting::kTmpfs:
      m.kind = RootMount::Kind::kTmpfs;
      break;
    case IsolateSetting::kDev:
      m.kind = RootMount::Kind::kDev;
      break;
    default:
      m.kind = RootMount::Kind::kProc;
      break;
  }
  if (!IsPlainAbsolute(target)) {
    return Invalid(name, value,
                   "the target must be an absolute path without . or ..");
  }
  m.target = Normal(target);
  if (m.target == "/" && m.kind != RootMount::Kind::kBind &&
      m.kind != RootMount::Kind::kBindRo) {
    return Invalid(name, value, "the root itself is syd's tmpfs");
  }
  if (std::find(out->mounts.begin(), out->mounts.end(), m) ==
      out->mounts.end()) {
    out->mounts.push_back(std::move(m));
  }
  return absl::OkStatus();
}

absl::Status User(std::string_view value, Isolation* out) {
  uint64_t id = 0;
  std::optional<gid_t> primary;
  if (!ParseNumber(value, &id)) {
    const std::string name(value);
    const passwd* pw = getpwnam(name.c_str());
    if (pw == nullptr) return Invalid("user", value, "no such user");
    id = pw->pw_uid;
    primary = pw->pw_gid;
  } else if (const passwd* pw = getpwuid(static_cast<uid_t>(id))) {
    primary = pw->pw_gid;
  }
  if (id >= UINT32_MAX) return Invalid("user", value, "not a uid");
  if (absl::Status s = SetOnce<std::optional<uid_t>>("user", value, &out->uid,
                                                     static_cast<uid_t>(id),
                                                     out->uid.has_value());
      !s.ok()) {
    return s;
  }
  // Used unless a group is given; a uid without a passwd entry keeps the
  // group syd runs with.
  out->user_gid = primary;
  return absl::OkStatus();
}

absl::Status Group(std::string_view value, Isolation* out) {
  uint64_t id = 0;
  if (!ParseNumber(value, &id)) {
    const std::string name(value);
    const group* gr = getgrnam(name.c_str());
    if (gr == nullptr) return Invalid("group", value, "no such group");
    id = gr->gr_gid;
  }
  if (id >= UINT32_MAX) return Invalid("group", value, "not a gid");
  return SetOnce<std::optional<gid_t>>(
      "group", value, &out->gid, static_cast<gid_t>(id), out->gid.has_value());
}

absl::Status Caps(std::string_view value, Isolation* out) {
  uint64_t kept = 0;
  if (value != "none") {
    for (std::string_view name : Split(value, ',')) {
      const Identifier* id = FindIdentifier(name);
      if (id == nullptr || id->kind != IdentifierKind::kCapability) {
        std::vector<std::string_view> caps;
        for (const Identifier& i : AllIdentifiers()) {
          if (i.kind == IdentifierKind::kCapability) caps.push_back(i.name);
        }
        return Invalid(
            "caps", value,
            StrCat("unknown capability '", name, "'", DidYouMean(name, caps)));
      }
      kept |= uint64_t{1} << id->value;
    }
  }
  // Kept by every profile that names them: the smaller set.
  out->caps = out->caps ? *out->caps & kept : kept;
  return absl::OkStatus();
}

absl::Status KeepFds(std::string_view value, Isolation* out) {
  std::vector<int> fds;
  if (value != "none") {
    for (std::string_view text : Split(value, ',')) {
      uint64_t fd = 0;
      if (!ParseNumber(text, &fd) || fd < 3 || fd > INT32_MAX) {
        return Invalid("keep_fds", value,
                       "expected none, or descriptors above 2: 3,4 ...");
      }
      fds.push_back(static_cast<int>(fd));
    }
  }
  std::sort(fds.begin(), fds.end());
  fds.erase(std::unique(fds.begin(), fds.end()), fds.end());
  if (out->keep_fds) {
    std::vector<int> both;
    std::set_intersection(out->keep_fds->begin(), out->keep_fds->end(),
                          fds.begin(), fds.end(), std::back_inserter(both));
    fds = std::move(both);
  }
  out->keep_fds = std::move(fds);
  return absl::OkStatus();
}

std::string MountText(const RootMount& m) {
  switch (m.kind) {
    case RootMount::Kind::kBind:
    case RootMount::Kind::kBindRo:
      return StrCat(m.kind == RootMount::Kind::kBind ? "isolate/bind="
                                                     : "isolate/bind_ro=",
                    m.source,
                    m.source == m.target ? "" : StrCat(":", m.target));
    case RootMount::Kind::kTmpfs:
      return StrCat("isolate/tmpfs=", m.target);
    case RootMount::Kind::kDev:
      return StrCat("isolate/dev=", m.target);
    case RootMount::Kind::kProc:
      break;
  }
  return StrCat("isolate/proc=", m.target);
}

}  // namespace

std::string NamespaceNames(uint64_t flags) {
  std::string names;
  for (const NamespaceInfo& ns : kNamespaces) {
    if (flags & ns.flag) StrAppend(&names, names.empty() ? "" : ",", ns.name);
  }
  return names;
}

std::vector<std::string> Isolation::Statements() const {
  std::vector<std::string> out;
  const std::string names = NamespaceNames(namespaces);
  if (!names.empty()) out.push_back(StrCat("isolate/unshare=", names));
  if (!hostname.empty()) out.push_back(StrCat("isolate/hostname=", hostname));
  for (const RootMount& m : mounts) out.push_back(MountText(m));
  if (root_switch != RootSwitch::kDefault) {
    out.push_back(root_switch == RootSwitch::kChroot
                      ? "isolate/root=chroot"
                      : "isolate/root=pivot_root");
  }
  if (!chdir.empty()) out.push_back(StrCat("isolate/chdir=", chdir));
  if (uid) out.push_back(StrCat("isolate/user=", *uid));
  // The user's own group goes with the user: not a setting of its own.
  if (gid) out.push_back(StrCat("isolate/group=", *gid));
  if (caps) {
    std::string kept;
    for (const Identifier& i : AllIdentifiers()) {
      if (i.kind == IdentifierKind::kCapability &&
          (*caps & (uint64_t{1} << i.value))) {
        StrAppend(&kept, kept.empty() ? "" : ",", i.name);
      }
    }
    out.push_back(StrCat("isolate/caps=", kept.empty() ? "none" : kept));
  }
  if (keep_fds) {
    std::string fds;
    for (int fd : *keep_fds) StrAppend(&fds, fds.empty() ? "" : ",", fd);
    out.push_back(StrCat("isolate/keep_fds=", fds.empty() ? "none" : fds));
  }
  if (clearenv) out.push_back("isolate/clearenv=yes");
  for (const std::string& e : setenv)
    out.push_back(StrCat("isolate/setenv=", e));
  if (!stdout_path.empty())
    out.push_back(StrCat("isolate/stdout=", stdout_path));
  if (!stderr_path.empty())
    out.push_back(StrCat("isolate/stderr=", stderr_path));
  return out;
}

absl::Status ApplyIsolate(std::string_view name, std::string_view value,
                          Isolation* out) {
  const IsolateInfo* info = nullptr;
  std::vector<std::string_view> names;
  for (const IsolateInfo& i : kIsolateSettings) {
    if (i.name == name) info = &i;
    names.push_back(i.name);
  }
  if (info == nullptr) {
    std::string all;
    for (std::string_view n : names)
      StrAppend(&all, all.empty() ? "" : ", ", n);
    return absl::NotFoundError(StrCat("unknown setting 'isolate/", name, "'",
                                      DidYouMean(name, names), " (", all, ")"));
  }
  switch (info->setting) {
    case IsolateSetting::kUnshare:
      return Unshare(value, out);
    case IsolateSetting::kHostname:
      if (value.size() > 64)
        return Invalid(name, value, "longer than 64 bytes");
      out->namespaces |= CLONE_NEWUTS;
      return SetOnce(name, value, &out->hostname, std::string(value),
                     !out->hostname.empty());
    case IsolateSetting::kBind:
    case IsolateSetting::kBindRo:
    case IsolateSetting::kTmpfs:
    case IsolateSetting::kDev:
    case IsolateSetting::kProc:
      out->namespaces |= CLONE_NEWNS;
      return Mount(info->setting, name, value, out);
    case IsolateSetting::kRoot:
      if (value != "pivot_root" && value != "chroot")
        return Invalid(name, value, "expected pivot_root or chroot");
      // chroot leaves the old root mounted beneath: pivot_root is the
      // stricter of the two, and wins.
      if (value == "pivot_root") {
        out->root_switch = Isolation::RootSwitch::kPivotRoot;
      } else if (out->root_switch != Isolation::RootSwitch::kPivotRoot) {
        out->root_switch = Isolation::RootSwitch::kChroot;
      }
      return absl::OkStatus();
    case IsolateSetting::kChdir:
      if (!IsPlainAbsolute(value))
        return Invalid(name, value,
                       "expected an absolute path without . or ..");
      return SetOnce(name, value, &out->chdir, Normal(value),
                     !out->chdir.empty());
    case IsolateSetting::kUser:
      return User(value, out);
    case IsolateSetting::kGroup:
      return Group(value, out);
    case IsolateSetting::kCaps:
      return Caps(value, out);
    case IsolateSetting::kKeepFds:
      return KeepFds(value, out);
    case IsolateSetting::kClearenv:
      if (value != "yes") return Invalid(name, value, "expected yes");
      out->clearenv = true;
      return absl::OkStatus();
    case IsolateSetting::kSetenv:
      if (value.find('=') == std::string_view::npos || value[0] == '=')
        return Invalid(name, value, "expected NAME=VALUE");
      out->setenv.emplace_back(value);
      return absl::OkStatus();
    case IsolateSetting::kStdout:
    case IsolateSetting::kStderr: {
      std::string* field = info->setting == IsolateSetting::kStdout
                               ? &out->stdout_path
                               : &out->stderr_path;
      return SetOnce(name, value, field, std::string(value), !field->empty());
    }
  }
  return absl::OkStatus();
}

}  // namespace syd
