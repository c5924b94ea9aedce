/** Types of functions.mjs (the HPO benchmark functions). */
export type Params = Record<string, string | number>;
export declare function branin(p: Params): number;
export declare function hartmann6(p: Params): number;
export declare function rosenbrock4_log(p: Params): number;
export declare function mixed5(p: Params): number;
export declare const LC_EPOCHS: number;
export declare function lcNoise(t: number, seed: number, u: number, d: number, w: number): number;
export declare function lcCurve(p: Params, options?: { epochs?: number; noiseStd?: number; noiseSeed?: number; variant?: 'crossing' | 'parallel' }): number[];
export declare function lc_synth(p: Params): number;
export declare function lc_easy(p: Params): number;
export declare const LC_VARIANT: Record<string, 'crossing' | 'parallel'>;
export declare const FUNCTIONS: Record<string, (p: Params) => number>;
