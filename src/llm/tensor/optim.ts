/** AdamW (PyTorch semantics: decoupled weight decay, bias-corrected) and LR schedules. */
import { K } from './backend.js';
import type { Tensor } from './tensor.js';

export interface AdamWOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

export class AdamW {
  readonly params: Tensor[];
  lr: number;
  readonly b1: number;
  readonly b2: number;
  readonly eps: number;
  readonly wd: number;
  step = 0;
  private m: Float32Array[];
  private v: Float32Array[];

  constructor(params: Tensor[], o: AdamWOptions = {}) {
    this.params = params;
    this.lr = o.lr ?? 1e-3;
    [this.b1, this.b2] = o.betas ?? [0.9, 0.999];
    this.eps = o.eps ?? 1e-8;
    this.wd = o.weightDecay ?? 0.01;
    this.m = params.map((p) => new Float32Array(p.size));
    this.v = params.map((p) => new Float32Array(p.size));
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /** Global L2 norm of the gradients. */
  gradNorm(): number {
    let s = 0;
    for (const p of this.params) if (p.grad) for (let i = 0; i < p.grad.length; i++) s += p.grad[i] * p.grad[i];
    return Math.sqrt(s);
  }

  /** Scales gradients so their global norm is at most maxNorm; returns the norm before. */
  clipGradNorm(maxNorm: number): number {
    const n = this.gradNorm();
    if (n > maxNorm && n > 0) {
      const c = maxNorm / (n + 1e-6);
      for (const p of this.params) if (p.grad) for (let i = 0; i < p.grad.length; i++) p.grad[i] *= c;
    }
    return n;
  }

  stepUpdate(): void {
    this.step++;
    const bc1 = 1 - Math.pow(this.b1, this.step), bc2 = 1 - Math.pow(this.b2, this.step);
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i];
      if (!p.grad) continue;
      K.adamw(p.data, p.grad, this.m[i], this.v[i], p.size, this.lr, this.b1, this.b2, this.eps, this.wd, bc1, bc2);
    }
  }
}

export type Schedule = 'constant' | 'linear' | 'cosine';

/** LR at 0-based step `step` of `total`, with linear warmup over `warmup` steps. */
export function scheduledLr(base: number, step: number, total: number, schedule: Schedule = 'linear', warmup = 0, minRatio = 0): number {
  if (warmup > 0 && step < warmup) return (base * (step + 1)) / warmup;
  if (schedule === 'constant' || total <= warmup) return base;
  const t = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  const f = schedule === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * t)) : 1 - t;
  return base * (minRatio + (1 - minRatio) * f);
}
