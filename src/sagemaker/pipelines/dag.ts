/**
 * The DAG of a pipeline and the pure planner over it (PIPELINES.md §7.1, §8.2, §8.3, §8.9).
 * Edges come from data references (Gets anywhere in a step's data, Join and JsonGet included),
 * DependsOn, and condition-branch membership. The planner says, from the steps' progress, which
 * steps may start now and which can never run (an untaken branch and everything downstream).
 */
import { placeSteps, stepDataFields, type PipelineDefinitionDoc, type PlacedStep } from './definition.js';
import { collectGets, splitStepPath } from './expressions.js';

/**
 * One step of the graph.
 *
 * @example graph.nodes.get('AbaloneMSEFail') // { name, type: 'Fail', preds: [], branch: { condition: 'AbaloneMSECond', outcome: false }, ... }
 */
export interface StepNode extends PlacedStep {
  name: string;
  type: string;
  /** Data and DependsOn predecessors (not the branch's condition). */
  preds: string[];
}

/**
 * The graph: nodes by name, and in definition order.
 *
 * @example for (const node of buildGraph(doc).order) console.log(node.name, node.preds);
 */
export interface PipelineGraph {
  nodes: Map<string, StepNode>;
  order: StepNode[];
}

/**
 * Step names a step's data refers to (`Steps.<name>...` Gets), in first-seen order.
 *
 * @example dataReferences({ def: { Name: 'B', Type: 'Model', Arguments: { X: { Get: 'Steps.A.ModelName' } } }, order: 0 }) // ['A']
 */
export function dataReferences(placed: PlacedStep): string[] {
  const names = new Set<string>();
  for (const path of collectGets(stepDataFields(placed.def))) {
    const ref = splitStepPath(path);
    if (ref) names.add(ref.step);
  }
  return [...names];
}

/**
 * Builds the graph of a definition whose step names are unique.
 *
 * @example buildGraph(doc).nodes.get('AbaloneTrain')!.preds // ['AbaloneProcess']
 */
export function buildGraph(doc: PipelineDefinitionDoc): PipelineGraph {
  const order: StepNode[] = [];
  const nodes = new Map<string, StepNode>();
  for (const placed of placeSteps(doc)) {
    const preds = new Set<string>([...dataReferences(placed), ...(placed.def.DependsOn ?? [])]);
    preds.delete(placed.def.Name);
    const node: StepNode = { ...placed, name: placed.def.Name, type: placed.def.Type, preds: [...preds] };
    order.push(node);
    nodes.set(node.name, node);
  }
  return { nodes, order };
}

/**
 * All predecessors of a node, branch condition included.
 *
 * @example allPreds(graph.nodes.get('AbaloneMSEFail')!) // ['AbaloneMSECond']
 */
export function allPreds(node: StepNode): string[] {
  return node.branch ? [...node.preds, node.branch.condition] : node.preds;
}

/**
 * A cycle, as a list of names (first = last), or undefined.
 *
 * @example findCycle(graph) // ['A', 'B', 'A']
 */
export function findCycle(graph: PipelineGraph): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const s = state.get(name);
    if (s === 2) return undefined;
    if (s === 1) return [...stack.slice(stack.indexOf(name)), name];
    const node = graph.nodes.get(name);
    if (!node) return undefined;
    state.set(name, 1);
    stack.push(name);
    for (const p of allPreds(node)) {
      const c = visit(p);
      if (c) return c;
    }
    stack.pop();
    state.set(name, 2);
    return undefined;
  };
  for (const n of graph.order) {
    const c = visit(n.name);
    if (c) return c.reverse();
  }
  return undefined;
}

/** Step statuses (the API's StepStatus). */
export type StepStatus = 'Starting' | 'Executing' | 'Stopping' | 'Stopped' | 'Failed' | 'Succeeded';

/**
 * What the planner needs to know of a step that has started.
 *
 * @example new Map([['Cond', { status: 'Succeeded', outcome: true }]])
 */
export interface StepProgress {
  status: StepStatus;
  /** A Condition step's outcome, once Succeeded. */
  outcome?: boolean;
}

/**
 * The planner's answer.
 *
 * @example const { ready, running, blocked } = planSteps(graph, progress);
 */
export interface Plan {
  /** Steps that may start now, in definition order (before any parallelism cap). */
  ready: string[];
  /** Steps started and not ended. */
  running: string[];
  /** Steps that can never run in this execution (untaken branches and their downstream, excluded steps). */
  blocked: Set<string>;
  failed: string[];
  stopped: string[];
}

const ACTIVE = new Set<StepStatus>(['Starting', 'Executing', 'Stopping']);

/**
 * Plans the next move from the steps' progress.
 *
 * @example
 *   const plan = planSteps(graph, new Map([['Cond', { status: 'Succeeded', outcome: false }]]));
 *   plan.blocked.has('IfStep') === true
 */
export function planSteps(graph: PipelineGraph, progress: ReadonlyMap<string, StepProgress>, excluded: ReadonlySet<string> = new Set()): Plan {
  const blocked = new Set<string>();
  const open = new Set<string>();
  const isBlocked = (name: string, seen = new Set<string>()): boolean => {
    if (blocked.has(name)) return true;
    if (open.has(name) || seen.has(name)) return false;
    seen.add(name);
    const node = graph.nodes.get(name);
    if (!node || progress.has(name)) return false;
    let b = excluded.has(name);
    if (!b && node.branch) {
      const cond = progress.get(node.branch.condition);
      b = (cond?.status === 'Succeeded' && cond.outcome !== node.branch.outcome) || isBlocked(node.branch.condition, seen);
    }
    if (!b) b = node.preds.some((p) => isBlocked(p, seen));
    (b ? blocked : open).add(name);
    return b;
  };
  const plan: Plan = { ready: [], running: [], blocked, failed: [], stopped: [] };
  for (const node of graph.order) {
    const p = progress.get(node.name);
    if (p) {
      if (ACTIVE.has(p.status)) plan.running.push(node.name);
      else if (p.status === 'Failed') plan.failed.push(node.name);
      else if (p.status === 'Stopped') plan.stopped.push(node.name);
      continue;
    }
    if (isBlocked(node.name)) continue;
    const predsDone = node.preds.every((name) => progress.get(name)?.status === 'Succeeded');
    const branchOpen = !node.branch || (progress.get(node.branch.condition)?.status === 'Succeeded' && progress.get(node.branch.condition)?.outcome === node.branch.outcome);
    if (predsDone && branchOpen) plan.ready.push(node.name);
  }
  return plan;
}

/**
 * What a selective execution does with each step.
 *
 * @example const { reused, excluded } = selectivePlan(graph, new Set(['Train']));
 */
export interface SelectivePlan {
  /** Not selected, upstream of a selected step: reused from the source execution. */
  reused: Set<string>;
  /** Neither selected nor reused: never run, never listed. */
  excluded: Set<string>;
}

/**
 * Splits the graph for SelectiveExecutionConfig. Throws a message (string) when the selection
 * leaves out a step on a path between two selected steps.
 *
 * @example selectivePlan(graph, new Set(['Train'])).reused // Set {'Process'}
 */
export function selectivePlan(graph: PipelineGraph, selected: ReadonlySet<string>): SelectivePlan {
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (name: string): Set<string> => {
    let set = ancestors.get(name);
    if (set) return set;
    set = new Set();
    ancestors.set(name, set);
    const node = graph.nodes.get(name);
    for (const p of node ? allPreds(node) : []) {
      set.add(p);
      for (const a of ancestorsOf(p)) set.add(a);
    }
    return set;
  };
  const reused = new Set<string>();
  for (const s of selected) for (const a of ancestorsOf(s)) if (!selected.has(a)) reused.add(a);
  for (const r of reused) {
    const downstreamSelected = [...selected].some((s) => ancestorsOf(s).has(r));
    const upstreamSelected = [...selected].some((s) => ancestorsOf(r).has(s));
    if (downstreamSelected && upstreamSelected) {
      throw `Step ${r} lies on a path between selected steps and must be selected too: all steps on all paths between two selected steps must be included.`;
    }
  }
  const excluded = new Set<string>();
  for (const n of graph.order) if (!selected.has(n.name) && !reused.has(n.name)) excluded.add(n.name);
  return { reused, excluded };
}
