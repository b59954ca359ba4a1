// Runs as a tree (sub-agent runs under their parent), and flat when runs carry no parent field.
import { describe, expect, it } from '@jest/globals';
import { buildRunTree, flattenRunTree } from '../src/components/runs/run-tree';

const order = (runs: { id: string; parent_run_id?: string | null }[]) =>
  flattenRunTree(buildRunTree(runs)).map((node) => `${'  '.repeat(node.depth)}${node.run.id}`);

describe('buildRunTree', () => {
  it('keeps the list as it is when runs have no parent field', () => {
    expect(order([{ id: 'c' }, { id: 'b' }, { id: 'a' }])).toEqual(['c', 'b', 'a']);
  });

  it('puts children (and grandchildren) under their parent, in the list order', () => {
    const runs = [
      { id: 'child-2', parent_run_id: 'root' },
      { id: 'grandchild', parent_run_id: 'child-1' },
      { id: 'child-1', parent_run_id: 'root' },
      { id: 'root', parent_run_id: null },
      { id: 'other', parent_run_id: null },
    ];
    expect(order(runs)).toEqual(['root', '  child-2', '  child-1', '    grandchild', 'other']);
  });

  it('a run whose parent is not in the list is a root; a cycle does not loop', () => {
    expect(order([{ id: 'orphan', parent_run_id: 'gone' }])).toEqual(['orphan']);
    expect(order([{ id: 'self', parent_run_id: 'self' }])).toEqual(['self']);
    const cycle = [
      { id: 'a', parent_run_id: 'b' },
      { id: 'b', parent_run_id: 'a' },
    ];
    // Neither has a root above it: both are still listed, and nothing hangs.
    expect(order(cycle)).toEqual(['a', '  b']);
  });
});
