# Sourced by the bench's bash baselines. add_worktree REPO WORKTREES BRANCH NAME: one try at NAME's worktree, on BRANCH
# made from main, or on BRANCH as it is when an add before (one that lost git's race with a parallel add) made it.
add_worktree() {
  git -C "$1" worktree add --quiet -b "$3" "$2/$4" main && return
  git -C "$1" show-ref --quiet --verify "refs/heads/$3" && git -C "$1" worktree add --quiet "$2/$4" "$3"
}
