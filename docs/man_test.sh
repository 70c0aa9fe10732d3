#!/usr/bin/env bash
# Each man page has a NAME section that whatis and apropos can read.
set -u
status=0
for page in "$@"; do
  if ! out=$(lexgrog "$page" 2>&1) || ! grep -q ' - ' <<<"$out"; then
    echo "no readable NAME section in $page: $out"
    status=1
  else
    echo "$out"
  fi
done
if [[ $status -eq 0 ]]; then echo "[doctest] test cases: $# | $# passed | 0 failed | 0 skipped"; else echo "[doctest] test cases: $# | 0 passed | $# failed | 0 skipped"; fi
exit $status
