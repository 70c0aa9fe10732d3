#!/bin/bash
# A Paludis ebuild phase in miniature, as tests/e2e/paludis_test runs it
# under `syd -p paludis-magic`: Paludis drives the sandbox only through
# `esandbox`, which stats /dev/sydbox/... paths. The esandbox below is this
# project's own, and emits exactly the paths Paludis's client does for API
# 1 (docs/language.md, "sydbox-1's API", has the table).
#
# phase.bash HELPER WORKDIR OUTSIDE PORT
#   HELPER   testdata/progs/helper, to connect and to exec
#   WORKDIR  the build's own directory (the profile allows it)
#   OUTSIDE  a directory the profile refuses, made by the test
#   PORT     a listener of the test's on 127.0.0.1
# Prints one "name=status" line per step; the test checks them and the
# file system.

helper=$1 workdir=$2 outside=$3 port=$4

die() { echo "die: $*" >&2; exit 99; }
ebuild_notice() { echo "notice: $*" >&2; }

magic() { [[ -e /dev/sydbox/"$1" ]]; }

esandbox() {
    local cmd=$1
    shift
    case "$cmd" in
    check) [[ -e /dev/sydbox ]] ;;
    api) [[ -e /dev/sydbox/1 ]] && echo -n 1 ;;
    lock) magic core/trace/magic_lock:on ;;
    exec_lock) magic core/trace/magic_lock:exec ;;
    wait_all) magic core/trace/exit_wait_all:true ;;
    wait_eldest) magic core/trace/exit_wait_all:false ;;
    enabled) magic "core/sandbox/write?" ;;
    enable) magic core/sandbox/write:deny ;;
    disable) magic core/sandbox/write:off ;;
    enabled_exec) magic "core/sandbox/exec?" ;;
    enable_exec) magic core/sandbox/exec:deny ;;
    disable_exec) magic core/sandbox/exec:off ;;
    enabled_net) magic "core/sandbox/network?" ;;
    enable_net) magic core/sandbox/network:deny ;;
    disable_net) magic core/sandbox/network:off ;;
    allow|disallow|allow_exec|disallow_exec|addfilter|rmfilter|kill|resume)
        local list op=+ p
        case "$cmd" in
        allow|disallow) list=whitelist/write ;;
        allow_exec|disallow_exec) list=whitelist/exec ;;
        addfilter|rmfilter) list=filter/write ;;
        kill) list=exec/kill_if_match ;;
        resume) list=exec/resume_if_match ;;
        esac
        [[ $cmd == dis* || $cmd == rm* ]] && op=-
        for p in "$@"; do
            [[ ${p:0:1} == / ]] || die "esandbox $cmd expects an absolute path"
            magic "$list$op$p" || return 1
        done
        ;;
    allow_net|disallow_net)
        local list=whitelist/network/bind op=+ a
        [[ $1 == --connect || $1 == --send ]] && list=whitelist/network/connect && shift
        [[ $cmd == disallow_net ]] && op=-
        for a in "$@"; do magic "$list$op$a" || return 1; done
        ;;
    *) die "esandbox: unknown command $cmd" ;;
    esac
}

step() { local name=$1; shift; "$@"; echo "$name=$?"; }
connect() { "$helper" connect "inet:127.0.0.1@$port" >/dev/null 2>&1; }
write() { echo data 2>/dev/null > "$1"; }

step check esandbox check
echo "api=$(esandbox api)"
# Paludis locks first, in the phase shell: what the build execs is locked.
step exec_lock esandbox exec_lock

# The metadata phase: execs banned but for one helper, around sourcing.
step enable_exec esandbox enable_exec
step enabled_exec esandbox enabled_exec
step allow_exec esandbox allow_exec "$helper"
step exec_banned /bin/true
step exec_allowed "$helper" write "$workdir/by-helper"
step disable_exec esandbox disable_exec
step exec_again /bin/true

# The network: open until a phase enables it, as in unpack and fetch_extra.
step enabled_net_at_start esandbox enabled_net
step connect_open connect
step enable_net esandbox enable_net
step connect_refused connect
step allow_net esandbox allow_net --connect "inet:127.0.0.1@$port"
step connect_allowed connect
step disallow_net esandbox disallow_net --connect "inet:127.0.0.1@$port"
step connect_refused_again connect
step disable_net esandbox disable_net
step connect_open_again connect

# Writes outside the build: refused, allowed, refused again.
step write_refused write "$outside/a"
step allow esandbox allow "$outside"
step write_allowed write "$outside/b"
step disallow esandbox disallow "$outside"
step write_refused_again write "$outside/c"
# A filter keeps a refusal out of the report; the write is still refused.
step addfilter esandbox addfilter "$outside/quiet"
step write_filtered write "$outside/quiet"

# Dozens of changes in one phase.
for i in $(seq 1 40); do
    esandbox allow "$workdir/d$i" && esandbox disallow "$workdir/d$i" || echo "churn=$i"
done
echo churn=done

# A process the build execs is locked; this shell is not.
step child_change bash -c "[[ -e /dev/sydbox/whitelist/write+$outside ]]"
step write_after_child write "$outside/d"
step shell_change esandbox allow "$workdir"
# Refused, with the reason on stderr.
step wait_eldest esandbox wait_eldest
step resume esandbox resume /bin/sh
# lock: the shell too is locked now.
step lock esandbox lock
step after_lock esandbox allow "$outside"
step write_after_lock write "$outside/e"
exit 0
