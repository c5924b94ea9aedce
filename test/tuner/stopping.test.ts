import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { median, medianRuleStops, MIN_EARLIER_JOBS } from '../../src/tuner/early-stopping.js';
import { bracketOf, hyperbandPlan, hyperbandStops, rungsOf } from '../../src/tuner/hyperband.js';
import { seededRng } from '../../src/tuner/rng.js';

/** The documented rule written out again, as plainly as possible, to replay curves against. */
function literalRule(curve: number[], earlier: number[][]): boolean {
  const t = curve.length;
  const runningAverages = earlier.filter((c) => c.length >= t).map((c) => c.slice(0, t).reduce((a, b) => a + b, 0) / t);
  if (runningAverages.length < 5) return false;
  runningAverages.sort((a, b) => a - b);
  const m = runningAverages.length;
  const med = m % 2 ? runningAverages[(m - 1) / 2]! : (runningAverages[m / 2 - 1]! + runningAverages[m / 2]!) / 2;
  return curve[t - 1]! > med;
}

describe('early stopping: the median rule', () => {
  test('needs five earlier jobs, and stops only a strictly worse value', () => {
    assert.equal(MIN_EARLIER_JOBS, 5);
    const flat = (v: number): number[] => [v, v, v];
    assert.equal(medianRuleStops([2], [flat(1), flat(1), flat(1), flat(1)]), false);
    assert.equal(medianRuleStops([2], [flat(1), flat(1), flat(1), flat(1), flat(1)]), true);
    assert.equal(medianRuleStops([1], [flat(1), flat(1), flat(1), flat(1), flat(1)]), false);
    assert.equal(median([3, 1, 2, 10]), 2.5);
  });

  test('uses running averages up to the same epoch, ignoring jobs that never reached it', () => {
    const earlier = [[4, 0], [4, 0], [4, 0], [4, 0], [4, 0], [1]];
    // Running averages at epoch 2 are 2 for the five jobs; the short one does not count.
    assert.equal(medianRuleStops([0, 1.9], earlier), false);
    assert.equal(medianRuleStops([0, 2.1], earlier), true);
  });

  test('decisions equal the documented rule on replayed learning curves', () => {
    const rng = seededRng(42);
    const curve = (): number[] => {
      const a = 0.1 + rng.next();
      const tau = 1 + 5 * rng.next();
      return Array.from({ length: 10 }, (_, t) => a + 2 * Math.exp(-(t + 1) / tau) + 0.02 * (rng.next() - 0.5));
    };
    const done: number[][] = [];
    let stops = 0;
    for (let job = 0; job < 40; job++) {
      const c = curve();
      let t = 1;
      for (; t <= c.length; t++) {
        const ours = medianRuleStops(c.slice(0, t), done);
        assert.equal(ours, literalRule(c.slice(0, t), done), `job ${job} epoch ${t}`);
        if (ours) {
          stops++;
          break;
        }
      }
      done.push(c.slice(0, Math.min(t, c.length)));
    }
    assert.ok(stops > 5);
  });
});

describe('Hyperband', () => {
  test('brackets and rungs for (1, 27) with eta 3', () => {
    const plan = hyperbandPlan(1, 27);
    assert.equal(plan.brackets, 4);
    assert.deepEqual(rungsOf(plan, 0), [1, 3, 9]);
    assert.deepEqual(rungsOf(plan, 1), [3, 9]);
    assert.deepEqual(rungsOf(plan, 3), []);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[bracketOf(plan, 1, i)]!++;
    // Hyperband's shares: 27/4, 9/3, 3/2, 1/1 → most trials in the most aggressive bracket.
    assert.ok(counts[0]! > counts[1]! && counts[1]! > counts[2]! && counts[2]! > counts[3]!, counts.join(','));
    assert.equal(bracketOf(plan, 1, 17), bracketOf(plan, 1, 17));
  });

  test('a trial continues only in the top 1/eta of its rung', () => {
    const plan = hyperbandPlan(1, 27);
    const others = [0.1, 0.2, 0.3, 0.4, 0.5].map((v) => ({ bracket: 0, curve: [v] }));
    assert.equal(hyperbandStops(plan, { bracket: 0, curve: [0.15] }, others), false); // 2nd of 6: top 2
    assert.equal(hyperbandStops(plan, { bracket: 0, curve: [0.35] }, others), true);
    assert.equal(hyperbandStops(plan, { bracket: 0, curve: [0.9, 0.8] }, others), false); // epoch 2 is no rung
    assert.equal(hyperbandStops(plan, { bracket: 1, curve: [9] }, others), false); // other bracket, no rung at 1
    // Fewer than eta at the rung: only the best so far continues.
    assert.equal(hyperbandStops(plan, { bracket: 2, curve: [1, 1, 1, 1, 1, 1, 1, 1, 2] }, [{ bracket: 2, curve: [1, 1, 1, 1, 1, 1, 1, 1, 1] }]), true);
    assert.equal(hyperbandStops(plan, { bracket: 2, curve: [1, 1, 1, 1, 1, 1, 1, 1, 0.5] }, [{ bracket: 2, curve: [1, 1, 1, 1, 1, 1, 1, 1, 1] }]), false);
  });
});
