#!/bin/sh
# One workload of the compatibility gate (tests/e2e/compat_test.cc), run the
# same way bare and under syd:  run.sh WORKLOAD SOURCE_DIR WORK_DIR
# Everything it writes is under WORK_DIR; every daemon it starts it ends.
set -eu
workload=$1 src=$2 work=$3
export PATH=/usr/bin:/bin HOME="$work" TMPDIR="$work"
cd "$work"
case "$workload" in
  dejagnu)
    runtest --tool pty --srcdir "$src/dejagnu"
    grep -q '^# of expected passes[[:space:]]*3$' pty.sum
    ;;
  dbus)
    # The daemon listens on a socket in TMPDIR; dbus-send connects and
    # authenticates with its credentials.
    dbus-run-session --config-file=/usr/share/dbus-1/session.conf -- \
      dbus-send --session --print-reply --dest=org.freedesktop.DBus \
      /org/freedesktop/DBus org.freedesktop.DBus.ListNames |
      grep -q '"org.freedesktop.DBus"'
    ;;
  gpg)
    # A short home: gpg-agent's socket path must fit in sun_path.
    export GNUPGHOME="$(mktemp -d /tmp/syd-gpg.XXXXXX)"
    trap 'gpgconf --kill all; rm -rf "$GNUPGHOME"' EXIT
    gpg --batch --passphrase '' --quick-gen-key 'syd <syd@example.invalid>' \
      ed25519 sign never
    echo data > msg
    gpg --batch --yes --local-user syd@example.invalid --detach-sign msg
    gpg --batch --verify msg.sig msg
    ;;
  go)
    cp -r "$src/go" gosrc
    cd gosrc
    GOCACHE="$work/gocache" GOPATH="$work/gopath" GOPROXY=off \
      GOFLAGS=-mod=mod CGO_ENABLED=0 go test -count=1 -v ./...
    ;;
  rust)
    cp -r "$src/rust" rustsrc
    cd rustsrc
    CARGO_HOME="$work/cargo" CARGO_TARGET_DIR="$work/target" \
      RUSTC=/usr/bin/rustc cargo test --offline
    ;;
  *)
    echo "run.sh: no workload $workload" >&2
    exit 2
    ;;
esac
