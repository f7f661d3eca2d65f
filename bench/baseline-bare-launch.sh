#!/usr/bin/env bash
# The floor for a large launch in bench/scale.ts: the least any launcher must do to start COUNT quiet workers on this
# machine, as fast as bash and git can: the worktrees four at a time, then every session with its pane log through
# one tmux client. No task is pasted and nothing is checked. Usage: baseline-bare-launch.sh REPO WORKTREES SOCKET
# COUNT LOGS AGENT
set -euo pipefail
repo=$1 worktrees=$2 socket=$3 count=$4 logs=$5 agent=$6

source "$(dirname "$0")/worktree-add.sh"

mkdir -p "$worktrees" "$logs"
# Parallel adds can trip over each other's half-written entries (git's own race): those are added again after.
seq 1 "$count" | xargs -P 4 -I '{}' git -C "$repo" worktree add --quiet -b 'bare/w{}' "$worktrees/w{}" main 2>/dev/null || true
for i in $(seq 1 "$count"); do [ -e "$worktrees/w$i/.git" ] || add_worktree "$repo" "$worktrees" "bare/w$i" "w$i"; done

commands="$logs/sessions.tmux"
for i in $(seq 1 "$count"); do
  printf 'new-session -d -s w%s -c %s env -- %s\npipe-pane -t =w%s: "exec cat >> %s/w%s.log"\n' \
    "$i" "$worktrees/w$i" "$agent" "$i" "$logs" "$i"
done > "$commands"
tmux -L "$socket" -f /dev/null start-server \; source-file "$commands"
