#!/usr/bin/env bash
# The third baseline for bench/launch.ts: the least any parallel launcher must do for the same result, in bash and
# git and tmux alone (no launcher process to start, no records, no checks). Every worker at once: its worktree
# (added again when git's parallel adds trip over each other), its session as soon as that is made, its task pasted
# as soon as the input box shows, Enter after the sim preset's 60 ms, until its turn started.
# Usage: baseline-parallel-launch.sh REPO WORKTREES SOCKET COUNT TASK_FILE AGENT_ARGV...
set -euo pipefail
repo=$1 worktrees=$2 socket=$3 count=$4 task_file=$5
shift 5

source "$(dirname "$0")/worktree-add.sh"

add() { # name: ten tries
  local attempt
  for attempt in $(seq 1 10); do
    add_worktree "$repo" "$worktrees" "base/$1" "$1" && return
    sleep 0.02
  done
  return 1
}

one() { # name agent_argv...
  local name=$1 pane
  shift
  add "$name"
  pane=$(tmux -L "$socket" new-session -d -P -F '#{pane_id}' -s "$name" -c "$worktrees/$name" -e "CZAR_WORKER=$name" -- "$@")
  until tmux -L "$socket" capture-pane -p -J -t "$pane" | grep -q -- '│ › '; do sleep 0.05; done
  tmux -L "$socket" load-buffer -b "b$name" - < "$task_file"
  tmux -L "$socket" paste-buffer -p -r -d -b "b$name" -t "$pane"
  sleep 0.06
  tmux -L "$socket" send-keys -t "$pane" Enter
  until tmux -L "$socket" capture-pane -p -J -t "$pane" | grep -q -- 'esc to interrupt'; do sleep 0.05; done
}

# One server first, so that the parallel new-sessions do not each try to start it.
tmux -L "$socket" -f /dev/null start-server \; set-option -g exit-empty off
pids=()
for i in $(seq 1 "$count"); do
  one "w$i" "$@" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
