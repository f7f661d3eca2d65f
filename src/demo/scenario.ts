/**
 * The built-in demo: a small shop repository and a sprint of simulated agents that shows what czar does on its
 * own in under a minute: parallel launch, a dependency released, an idle worker nudged back to work, a worker
 * told it strayed out of scope, finished workers handed bonus tasks, and the sprint ending by itself.
 */
export const DEMO_FILES: Readonly<Record<string, string>> = {
  'README.md': '# shop\n\nA tiny shop used by the czar demo.\n',
  'src/catalog/index.ts': 'export interface Product { id: string; name: string; price: number }\n\nexport const products: Product[] = [];\n',
  'src/cart/index.ts': "import type { Product } from '../catalog/index.js';\n\nexport interface Line { product: Product; quantity: number }\n",
  'docs/.keep': '',
  'tests/.keep': '',
};

export function demoConfig(project: string): string {
  return `# czar demo: simulated agents (czar-sim-agent) on a throwaway repository.
project: ${project}
repo: shop
base: main
worktrees: workers
agent: sim
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
    scope: [src/catalog/**, tests/catalog/**]
    task: |
      # Add product search to the catalog
      Implement search by name and price range in src/catalog/search.ts, with tests.
      @sim report working 10 reading the catalog module
      @sim work 12 exploring src/catalog
      @sim write src/catalog/search.ts export const search = (q: string) => q.trim().toLowerCase();\\n
      @sim commit Add catalog search
      @sim report working 60 search done, writing tests
      @sim work 10 writing tests
      @sim write tests/catalog/search.test.ts // search tests\\n
      @sim commit Test catalog search
      @sim result Search by name is in; price ranges are left for later.
      @sim done search and tests committed
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
    scope: [src/checkout/**]
    task: |
      # Checkout flow on top of cart totals
      Build src/checkout/index.ts using the cart totals from the cart worker.
      @sim report working 10 reading the cart totals
      @sim work 12 wiring checkout
      @sim write src/checkout/index.ts export { total } from '../cart/totals.js';\\n
      @sim commit Add checkout flow
      @sim done checkout uses cart totals
  - name: docs
    scope: [docs/**]
    task: |
      # Document the shop API
      Write docs/api.md describing the catalog and cart modules.
      @sim report working 10 outlining the docs
      @sim work 10 writing docs/api.md
      @sim write docs/api.md # Shop API\\n\\nCatalog and cart.\\n
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
