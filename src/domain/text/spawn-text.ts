/** What a parent is told when a child it spawned has finished: the branch to merge and how. */
export function childReadyMessage(child: string, branch: string, sha: string): string {
  return [
    `Your sub-worker ${child} has finished and its work passed czar's checks: branch ${branch} at ${sha.slice(0, 12)}.`,
    `Take its work into your branch with \`git merge ${branch}\` (resolve any conflict, commit), then carry on.`,
    'You are done only when every child you spawned is merged into your branch or cancelled ("czar spawn --cancel <name>").',
  ].join('\n');
}

/** Said to a spawned child after the preamble: who its parent is, and where its work goes. */
export function childSection(parent: string, parentBranch: string): string {
  return [
    '## Your parent',
    '',
    `You are a sub-worker spawned by worker ${parent}. Your branch was cut from ${parent}'s branch \`${parentBranch}\`.`,
    `Your work goes to ${parent}, not to the integration branch: commit it on your branch and report done; once it`,
    `passes czar's checks, ${parent} is told to merge your branch.`,
  ].join('\n');
}
