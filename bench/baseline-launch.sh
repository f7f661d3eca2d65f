#!/usr/bin/env bash
# The baseline for bench/launch.ts: what a person's plain script does to start N agents, one after another, with
# the same git and tmux calls czar makes (worktree, session, wait for the input box, bracketed paste, Enter, wait
# until the turn started). Usage: baseline-launch.sh REPO WORKTREES SOCKET COUNT TASK_FILE AGENT_ARGV...
set -euo pipefail
repo=$1 worktrees=$2 socket=$3 count=$4 task_file=$5
shift 5

wait_for() { # pane pattern
  until tmux -L "$socket" capture-pane -p -J -t "$1" | grep -q -- "$2"; do sleep 0.05; done
}

for i in $(seq 1 "$count"); do
  name="w$i"
  git -C "$repo" worktree add --quiet -b "base/$name" "$worktrees/$name" main
  pane=$(tmux -L "$socket" new-session -d -P -F '#{pane_id}' -s "$name" -c "$worktrees/$name" -e "CZAR_WORKER=$name" -- "$@")
  wait_for "$pane" '│ › '
  tmux -L "$socket" load-buffer -b "b$name" - < "$task_file"
  tmux -L "$socket" paste-buffer -p -r -d -b "b$name" -t "$pane"
  sleep 0.1
  tmux -L "$socket" send-keys -t "$pane" Enter
  wait_for "$pane" 'esc to interrupt'
done
