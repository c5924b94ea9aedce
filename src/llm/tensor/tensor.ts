/**
 * Float32 tensors with a reverse-mode tape. Ops (ops.ts) record a backward closure on the tape
 * when grad mode is on and an input requires grad; backward(loss) replays the tape in reverse
 * (recording order is a topological order) and clears it.
 */
/*
 * Step arena: inside withArena(), tensor buffers come from a free list keyed by length and all
 * go back when the scope ends, so a training loop with fixed shapes stops allocating (and
 * page-faulting) after its first step. Tensors created inside the scope must not be used after
 * it ends (read loss.item() inside). Parameters and their gradients are created outside.
 */
let arenaDepth = 0;
const freeLists = new Map<number, Float32Array[]>();
let lent: Float32Array[] = [];
let pooledBytes = 0;
const POOL_LIMIT_BYTES = 2 ** 31;

/** A buffer of n floats (zeroed unless zero=false), from the arena when one is active. */
export function alloc(n: number, zero = true): Float32Array {
  if (arenaDepth === 0 || n < 256) return new Float32Array(n);
  const list = freeLists.get(n);
  let a = list && list.length ? list.pop()! : undefined;
  if (a) {
    pooledBytes -= a.byteLength;
    if (zero) a.fill(0);
  } else a = new Float32Array(n);
  lent.push(a);
  return a;
}

export function arenaActive(): boolean {
  return arenaDepth > 0;
}

/** Runs fn with the step arena on; every buffer lent inside returns to the pool afterwards. */
export function withArena<T>(fn: () => T): T {
  if (arenaDepth > 0) return fn();
  arenaDepth++;
  try {
    return fn();
  } finally {
    arenaDepth--;
    for (const a of lent) {
      if (pooledBytes + a.byteLength > POOL_LIMIT_BYTES) continue;
      let l = freeLists.get(a.length);
      if (!l) freeLists.set(a.length, (l = []));
      l.push(a);
      pooledBytes += a.byteLength;
    }
    lent = [];
  }
}

/** Drops the pooled buffers (e.g. when switching between very different shapes). */
export function clearArena(): void {
  freeLists.clear();
  pooledBytes = 0;
}

export class Tensor {
  data: Float32Array;
  /** Allocated from the step arena (its gradient is too). */
  readonly pooled: boolean;
  readonly shape: number[];
  grad: Float32Array | null = null;
  requiresGrad: boolean;
  name?: string;

  constructor(data: Float32Array, shape: number[], requiresGrad = false) {
    const n = shape.reduce((a, b) => a * b, 1);
    if (data.length !== n) throw new Error(`tensor data length ${data.length} does not match shape [${shape.join(',')}]`);
    this.data = data;
    this.shape = shape;
    this.requiresGrad = requiresGrad;
    this.pooled = arenaDepth > 0;
  }

  static zeros(shape: number[], requiresGrad = false): Tensor {
    return new Tensor(alloc(shape.reduce((a, b) => a * b, 1)), shape, requiresGrad);
  }

  /** Uninitialised contents (for outputs a kernel overwrites entirely). */
  static empty(shape: number[], requiresGrad = false): Tensor {
    return new Tensor(alloc(shape.reduce((a, b) => a * b, 1), false), shape, requiresGrad);
  }

  static from(values: ArrayLike<number>, shape: number[], requiresGrad = false): Tensor {
    return new Tensor(Float32Array.from(values), shape, requiresGrad);
  }

  get size(): number {
    return this.data.length;
  }

  /** Last dimension. */
  get cols(): number {
    return this.shape[this.shape.length - 1];
  }

  /** Number of rows when viewed as [size / cols, cols]. */
  get rows(): number {
    return this.data.length / this.cols;
  }

  /** The gradient buffer, allocated (zeroed) on first use. */
  g(): Float32Array {
    if (!this.grad) this.grad = this.pooled ? alloc(this.data.length) : new Float32Array(this.data.length);
    return this.grad;
  }

  item(): number {
    return this.data[0];
  }

  /** A view sharing data (no grad link): for reshaping inputs outside autograd. */
  view(shape: number[]): Tensor {
    return new Tensor(this.data, shape, false);
  }
}

let gradEnabled = true;
let tape: Array<() => void> = [];

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn with the tape off (inference, reference models). */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** True when an op over these inputs must record its backward. */
export function needsGrad(...inputs: Array<Tensor | null | undefined>): boolean {
  if (!gradEnabled) return false;
  for (const t of inputs) if (t && t.requiresGrad) return true;
  return false;
}

export function record(backward: () => void): void {
  tape.push(backward);
}

/** Drops whatever the tape holds (e.g. after an aborted step). */
export function clearTape(): void {
  tape = [];
}

export function tapeLength(): number {
  return tape.length;
}

/** Backpropagates from a scalar (seed gradient 1, or `seed` times). Clears the tape. */
export function backward(loss: Tensor, seed = 1): void {
  if (loss.size !== 1) throw new Error('backward() needs a scalar loss');
  const t = tape;
  tape = [];
  if (!loss.requiresGrad) return;
  loss.g()[0] += seed;
  for (let i = t.length - 1; i >= 0; i--) t[i]();
}
