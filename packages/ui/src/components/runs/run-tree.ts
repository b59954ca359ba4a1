// Runs as a tree: a run started by another (a sub-agent) carries `parent_run_id`. The field belongs to the
// sub-agents feature; until a daemon sends it every run is a root and the tree is the flat list, in its order.

export interface TreeRun {
  id: string;
  parent_run_id?: string | null;
}

export interface RunNode<R extends TreeRun> {
  run: R;
  depth: number;
  children: RunNode<R>[];
}

/**
 * Roots in the list's order, each followed by its children (in the list's order); a run whose parent is not in the
 * list is a root.
 */
export function buildRunTree<R extends TreeRun>(runs: readonly R[]): RunNode<R>[] {
  const nodes = new Map(runs.map((run) => [run.id, { run, depth: 0, children: [] } as RunNode<R>]));
  const roots: RunNode<R>[] = [];
  for (const run of runs) {
    const node = nodes.get(run.id) as RunNode<R>;
    const parent = run.parent_run_id ? nodes.get(run.parent_run_id) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const setDepth = (node: RunNode<R>, depth: number, seen: Set<string>) => {
    if (seen.has(node.run.id)) return;
    seen.add(node.run.id);
    node.depth = depth;
    for (const child of node.children) setDepth(child, depth + 1, seen);
  };
  const seen = new Set<string>();
  for (const root of roots) setDepth(root, 0, seen);
  // Runs in a parent cycle (bad data) are reached from no root: they are listed as roots rather than lost.
  for (const run of runs) {
    if (seen.has(run.id)) continue;
    const node = nodes.get(run.id) as RunNode<R>;
    roots.push(node);
    setDepth(node, 0, seen);
  }
  return roots;
}

/** The tree walked depth first: what a list renders, indented by `depth`. */
export function flattenRunTree<R extends TreeRun>(roots: RunNode<R>[]): RunNode<R>[] {
  const out: RunNode<R>[] = [];
  const seen = new Set<string>();
  const walk = (node: RunNode<R>) => {
    if (seen.has(node.run.id)) return;
    seen.add(node.run.id);
    out.push(node);
    for (const child of node.children) walk(child);
  };
  for (const root of roots) walk(root);
  return out;
}
