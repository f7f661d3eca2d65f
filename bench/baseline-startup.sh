#!/usr/bin/env bash
# The second baseline for bench/launch.ts: the agents' own start-up. COUNT agents start at once in tmux sessions of
# their own, nothing else done, and the script returns when the slowest shows its input box.
# Usage: baseline-startup.sh DIR SOCKET COUNT AGENT_ARGV...
set -euo pipefail
dir=$1 socket=$2 count=$3
shift 3

panes=()
for i in $(seq 1 "$count"); do
  panes+=("$(tmux -L "$socket" new-session -d -P -F '#{pane_id}' -s "w$i" -c "$dir" -e "CZAR_WORKER=w$i" -- "$@")")
done
for pane in "${panes[@]}"; do
  until tmux -L "$socket" capture-pane -p -J -t "$pane" | grep -q -- '│ › '; do sleep 0.02; done
done
