/**
 * The built-in demo: a small shop repository and a sprint of simulated agents that shows what czar does on its
 * own in about a minute: parallel launch, a dependency released, an idle worker nudged back to work, a worker told
 * it strayed out of scope, a check that fails once and is fixed by its worker, a review that sends one branch back
 * with a finding and approves it on the next round, a worker handing part of its task to a sub-worker of its own and
 * merging its verified branch, a conflict predicted between two
 * workers and resolved by one of them when the integration branch turns it away, finished workers handed bonus
 * tasks, and the sprint ending by itself with every verified branch in a green integration branch and a handoff.
 */
export const DEMO_FILES: Readonly<Record<string, string>> = {
  'README.md': '# shop\n\nA tiny shop used by the czar demo.\n',
  'src/catalog/index.ts':
    'export interface Product { id: string; name: string; price: number }\n\nexport const products: Product[] = [];\n',
  'src/cart/index.ts':
    "import type { Product } from '../catalog/index.js';\n\nexport interface Line { product: Product; quantity: number }\n",
  // catalog and docs both add a line at its end: the demo's predicted conflict.
  'docs/api.md': '# Shop API\n\n## Modules\n',
  'tests/.keep': '',
};

export function demoConfig(project: string): string {
  return `# czar demo: simulated agents (czar-sim-agent) on a throwaway repository.
project: ${project}
repo: shop
base: main
worktrees: workers
agent: sim
# Each worker in a box of its own where bubblewrap works (its own repository, no network but its model, no siblings);
# where it does not, the workers run unboxed and the demo says so.
sandbox: on
# Every branch must pass these before its worker counts as verified (shell commands, run in czar's own checkout).
checks:
  - name: no-conflict-markers
    run: "! grep -rnE '^(<<<<<<<|>>>>>>>)( |$)' --exclude-dir=.git ."
    timeout: 30s
# After its checks pass, an agent reviews each branch; verified needs its approval (here the simulated agent, scripted
# by the @sim review lines of a task: catalog's branch is sent back once with a finding).
review: { agent: sim, max_rounds: 3 }
# Each verified branch is merged here, in dependency order, and the integration checks run on the result.
integration:
  branch: czar/integration
  checks:
    - name: no-conflict-markers
      run: "! grep -rnE '^(<<<<<<<|>>>>>>>)( |$)' --exclude-dir=.git ."
      timeout: 30s
policy:
  launch_concurrency: 4
  max_active: 3
  idle_after: 6s
  stuck_after: 45s
  escalate_after: 8s
  restart: { max: 2, backoff: 2s }
  bonus: auto
workers:
  - name: catalog
    scope: [src/catalog/**, tests/catalog/**, docs/api.md]
    task: |
      # Add product search to the catalog
      Implement search by name and price range in src/catalog/search.ts, with tests, and list it in docs/api.md.
      @sim report working 10 reading the catalog module
      @sim work 8 exploring src/catalog
      @sim write src/catalog/search.ts export const search = (q: string) => q.trim().toLowerCase();\\n
      @sim write docs/api.md # Shop API\\n\\n## Modules\\n- catalog: search(query) finds products by name\\n
      @sim commit Add catalog search
      @sim report working 60 search done, writing tests
      @sim work 10 writing tests
      @sim write tests/catalog/search.test.ts // search tests\\n
      @sim commit Test catalog search
      @sim result Search by name is in; price ranges are left for later.
      @sim done search and tests committed
      @sim review request_changes src/catalog/search.ts:1 major search ignores the price range the task asks for
  - name: cart
    scope: [src/cart/**]
    task: |
      # Cart totals with discounts
      Compute cart totals in src/cart/totals.ts, with percentage and fixed discounts.
      @sim report working 5 starting on totals
      @sim work 12 computing totals
      @sim write src/cart/totals.ts export const total = (lines: number[]) => lines.reduce((a, b) => a + b, 0);\\n
      @sim commit Add cart totals
      @sim quiet
  - name: checkout
    depends_on: [cart]
    scope: [src/checkout/**, tests/checkout/**]
    # Its own check, beside the fleet's: it fails on the first done claim, and its output tells the worker what is
    # missing (the simulated agent acts on the @sim lines a failing check prints, as a real one reads the output).
    checks:
      - name: checkout-tests
        timeout: 30s
        run: |
          if [ -f tests/checkout/index.test.ts ]; then echo "checkout has tests"; exit 0; fi
          echo "tests/checkout/index.test.ts is missing: the checkout flow has no tests"
          printf '%s\\n' '@sim work 3 writing the missing checkout tests' '@sim write tests/checkout/index.test.ts // checkout totals match the cart\\n' '@sim commit Test the checkout flow' '@sim done checkout tested'
          exit 1
    task: |
      # Checkout flow on top of cart totals
      Build src/checkout/index.ts using the cart totals from the cart worker.
      @sim report working 10 reading the cart totals
      @sim work 6 wiring checkout
      @sim write src/checkout/index.ts export { total } from '../cart/totals.js';\\n
      @sim commit Add checkout flow
      @sim done checkout uses cart totals
  - name: docs
    scope: [docs/**]
    task: |
      # Document the shop API
      Write docs/api.md describing the catalog and cart modules, with examples.
      @sim spawn docs-examples # Examples for the API docs\\n@sim work 4 writing examples\\n@sim write docs/examples.md # Examples\\n@sim commit Add API examples\\n@sim done examples written
      @sim report working 10 outlining the docs
      @sim work 10 writing docs/api.md
      @sim write docs/api.md # Shop API\\n\\n## Modules\\n- catalog and cart: products, lines and totals\\n
      @sim append README.md \\nSee docs/api.md.\\n
      @sim commit Document the API
      @sim work 10 polishing
      @sim done api docs written
bonus:
  - name: audit-tests
    builds_on: catalog
    scope: [tests/**]
    task: |
      # Add audit tests for catalog search
      Cover edge cases of search: empty query, unicode names.
      @sim report working 20 reading search
      @sim work 10 writing edge-case tests
      @sim write tests/catalog/audit.test.ts // audit tests\\n
      @sim commit Audit tests for search
      @sim done edge cases covered
  - name: changelog
    scope: [docs/**]
    task: |
      # Write the changelog for this sprint
      @sim work 8 collecting commits
      @sim write docs/CHANGELOG.md # Changelog\\n
      @sim commit Add changelog
      @sim done changelog written
`;
}
