/**
 * The commented `czar.yaml` that `czar init` writes: every key is shown, the optional ones commented out with
 * their defaults, so the file doubles as the reference.
 */
export function initTemplate(project: string): string {
  return `# czar fleet config. Reference: config/czar.example.yaml; JSON Schema: config/czar.schema.json.
# Durations: 500ms, 90s, 20m, 1h, 1h30m or a number of seconds.

# Names the private tmux server (czar-${project}); lowercase letters, digits, "-" and "_".
project: ${project}

# Git repository, relative to this file (default: this file's folder).
# repo: .

# Branch the workers start from (default: the repo's current branch).
# base: main

# Where worker worktrees go (default: beside the repo, <repo>/../<repo name>-workers).
# worktrees: ../${project}-workers

# A task_file: that resolves outside the repository (../x.md, a link) is refused: its text would go to the
# agent's model provider. true lets it through.
# task_files_outside_repo: false

# Default agent: claude, codex, gemini, qwen, pi, opencode, kilo, copilot, auggie, aider, shell, sim, or a name under agents:
# (default: claude).
# agent: claude

# Override a built-in agent's command line, or add your own program (preset says whose behaviour applies;
# default shell). A command with a "/" is relative to this file.
# agents:
#   claude: { args: [--model, sonnet] }
#   mybot: { command: ./bin/mybot, args: [--fast], env: { FOO: "1" }, preset: shell }
#   judge: { command: ./bin/review.js, review_args: [] }  # a reviewer: prompt on stdin, verdict JSON line out

# One entry per worker: a tmux session on its own branch (czar/<name>) in its own worktree.
# The task text is pasted into the agent in full.
workers:
  - name: first-task
    task: |
      Describe the first task here: what to build, where, and how to know it is done.
    # task_file: tasks/first-task.md  # instead of task: (relative to this file)
    # branch: czar/first-task
    # agent: codex
    # role: implementer               # prompts/roles/implementer.md is put before the task
    # scope: [src/first/**]           # paths this task may touch
    # depends_on: [other-worker]      # launch only when these are done
    # env: { KEY: value }
    # checks:                         # replace the fleet's checks by name, or add
    #   - { name: test, run: npm test -- tests/first }

# Checks a branch must pass when its worker reports done, run with your shell in a checkout czar owns.
# A worker is verified only when all pass; a failing one sends the worker back with the output's tail.
# checks:
#   - { name: test, run: npm test, timeout: 10m }
#   - { name: lint, run: npm run lint }

# An agent reviews each branch once its checks pass; verified needs its approval (docs/review.md).
# Without agent:, one of another make than the worker's reviews it. A worker's review: off turns it off there.
# review: { agent: codex, max_rounds: 3, timeout: 10m }

# policy:
#   launch_concurrency: 4     # agents starting at once, until each is ready for its task (1..64)
#   launch_stagger: 0s        # pause between launches
#   idle_after: 90s           # quiet and not working for this long -> idle
#   stuck_after: 20m
#   max_active: 6             # concurrency cap; the rest wait in the queue
#   restart: { max: 3, backoff: 30s }
#   bonus: auto               # auto | off: hand bonus tasks to idle workers
#   auto_answer: off          # or a list: - { match: "Do you want to proceed\\\\?", send: [Enter] }
#   escalate_after: 5m        # time stalled before each rung: nudge, re-brief, restart, alert
#   check_concurrency: 1      # check runs at once across the fleet
#   budget:                   # from the agents' own usage records; 80% alerts, 100% interrupts and holds
#     worker: { usd: 10, tokens: 5M }
#     fleet: { usd: 50 }

# Tasks handed to idle workers, in order.
# bonus:
#   - name: audit-tests       # default bonus-<n>
#     task: |
#       Add tests for ...
#     scope: [tests/**]
#     role: tester
#     builds_on: first-task   # the worker whose output this builds on

# Command that gets each alert as JSON on stdin.
# notify: { command: notify-send-wrapper, args: [] }

# czar merges each finished branch into a branch of its own (--no-ff, dependency order) and runs these checks on
# the result; a conflict or failure undoes that merge and sends the worker a fix-up. advance_base fast-forwards
# base to a green integration tip (never when base moved meanwhile).
# integration:
#   branch: czar/integration
#   checks: [{ name: test, run: npm test }]   # default: the fleet's checks
#   advance_base: false

# Each worker in a box of its own (bubblewrap): it writes only its own repository (a clone in .czar/work/), its
# agent's private config, its /tmp and writable:; no network, no tmux socket, no siblings. off (default), on (unboxed
# with a warning where bubblewrap is missing) or required (refuse). A worker's own sandbox: replaces this one.
# sandbox: { mode: on, allow_hosts: [registry.npmjs.org:443], writable: [] }

# Pull requests through gh: after a branch is verified or integrated, or off.
# pr: { remote: origin, when: off, draft: true, comments_every: 1m }

# agent: auto (on a worker or at the top) lets czar choose from its record of outcomes per task kind, and hand a
# task that keeps failing its checks or review to another agent of the pool.
# routing: { pool: [claude, codex], explore: 0.1, min_outcomes: 2, reassign_after: 2 }

# Model prices in US dollars per million tokens, over the table czar ships (a name matches its dated versions).
# prices:
#   my-model: { input: 3, output: 15, cache_write: 3.75, cache_read: 0.3 }

# Machines that run some workers over ssh (tmux, git and this czar version there; a clone of the shared remote).
# A worker picks one with host: gpu1. Host keys must already be known (ssh-keyscan, or connect once by hand).
# hosts:
#   - { name: gpu1, ssh: user@gpu1.example:22, worktrees: /srv/czar, max_workers: 8 }
`;
}
