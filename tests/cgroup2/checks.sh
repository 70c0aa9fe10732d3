# The checks of tools/cgroup2-test, run by busybox sh as the VM's init:
# root, in the root of a cgroup2-only hierarchy. One line per check,
# "ok NAME" or "FAIL NAME: why".
CG=/sys/fs/cgroup
# What the command reads of its own cgroup: the limits syd wrote.
READ_LIMITS='d=/sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup);
cat $d/pids.max $d/memory.max $d/memory.swap.max $d/cpu.max'
WANT_LIMITS='16
67108864
0
20000 100000'
LIMITS="--limit pids=16 --limit memory=64M --limit cpu_quota=20%"

pass() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; }
expect() {  # NAME WANTED GOT
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "wanted [$2], got [$3]"; fi
}
contains() {  # NAME NEEDLE TEXT
  case "$3" in
  *"$2"*) pass "$1" ;;
  *) fail "$1" "[$2] not in [$3]" ;;
  esac
}
# No cgroup of syd's left below DIR.
clean() {  # NAME DIR
  left=$(ls -d "$2"/syd-* 2>/dev/null)
  expect "$1" "" "$left"
}
# COMMAND... run from a cgroup where it is the only process.
alone_in() {  # DIR COMMAND...
  dir=$1
  shift
  sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$dir" "$@"
}

for backend in ptrace user-notif; do
  syd="syd --backend=$backend"

  # In the root cgroup, which may hold processes and enable controllers.
  got=$($syd $LIMITS -- sh -c "$READ_LIMITS" 2>&1)
  expect "$backend: limits written in the root cgroup" "$WANT_LIMITS" "$got"
  clean "$backend: root cgroup left clean" $CG

  # syd's cgroup holds another process: controllers cannot be enabled for
  # a cgroup of syd's; syd says so and runs nothing.
  mkdir $CG/shared
  rm -f /tmp/ran
  got=$(sh -c 'echo $$ >'$CG'/shared/cgroup.procs; sleep 30 & pid=$!
    '"$syd"' --limit pids=16 -- touch /tmp/ran 2>&1; echo "status $?"
    kill $pid' 2>&1)
  contains "$backend: a cgroup shared with another process is refused" \
    "syd's cgroup /sys/fs/cgroup/shared holds other processes (" "$got"
  contains "$backend: ... naming them" " sleep" "$got"
  contains "$backend: ... and what to do" "run syd alone in a cgroup" "$got"
  contains "$backend: ... and a failing status" "status 1" "$got"
  [ -e /tmp/ran ] && fail "$backend: ... and nothing runs" "/tmp/ran made" ||
    pass "$backend: ... and nothing runs"
  sleep 0.2
  rmdir $CG/shared || fail "$backend: shared cgroup removable" "rmdir failed"

  # Alone in its cgroup (a systemd scope with Delegate=yes): syd moves
  # itself to a leaf so that the controllers can be enabled, and at the end
  # leaves the cgroup as it found it.
  echo "+pids +memory +cpu" >$CG/cgroup.subtree_control
  mkdir $CG/scope
  got=$(alone_in $CG/scope $syd $LIMITS -- sh -c "$READ_LIMITS" 2>&1)
  expect "$backend: limits written in a cgroup of syd's own" "$WANT_LIMITS" "$got"
  clean "$backend: that cgroup left clean" $CG/scope
  expect "$backend: ... its controllers as they were" "" \
    "$(cat $CG/scope/cgroup.subtree_control)"
  rmdir $CG/scope && pass "$backend: ... and removable" ||
    fail "$backend: ... and removable" "$(ls $CG/scope)"

  # What the limits hold, there.
  mkdir $CG/scope
  got=$(alone_in $CG/scope $syd --limit pids=32 --limit timeout=3s \
    --limit grace=1s -- sh -c "trap '' TERM
      bomb() { bomb | bomb & }; bomb 2>/dev/null; sleep 60" 2>&1)
  status=$?
  expect "$backend: a fork bomb ends by the timeout" 124 $status
  contains "$backend: ... held by limit/pids" "syd: limit/pids=32: " "$got"
  contains "$backend: ... which says so" " forks refused" "$got"
  got=$(alone_in $CG/scope $syd --limit memory=32M -- \
    sh -c 'head -c 536870912 /dev/zero | tail -n 1 >/dev/null' 2>&1)
  contains "$backend: a memory hog is stopped by limit/memory" \
    " killed by the kernel for memory" "$got"
  clean "$backend: the scope left clean" $CG/scope
  rmdir $CG/scope || fail "$backend: scope removable" "$(ls $CG/scope)"

  # Without root, in a cgroup delegated to the user.
  mkdir $CG/user
  chown 1000:1000 $CG/user $CG/user/cgroup.procs $CG/user/cgroup.threads \
    $CG/user/cgroup.subtree_control
  got=$(alone_in $CG/user su user -s /bin/sh -c "exec $syd $LIMITS -- \
    sh -c 'id -u; $READ_LIMITS'" 2>&1)
  expect "$backend: without root, in a delegated cgroup" "1000
$WANT_LIMITS" "$got"
  clean "$backend: ... left clean" $CG/user
  rmdir $CG/user || fail "$backend: delegated cgroup removable" "$(ls $CG/user)"
done
