/**
 * The runtime form of a botocore shape, as `scripts/codegen.ts` emits it into
 * `src/aws/generated/<service>/shapes.ts`. Only what validation and typing need is
 * kept (no documentation strings), so the generated file stays small and a fresh
 * clone needs nothing from `../shared`.
 *
 * @example
 *   const entityName: Shape = { type: 'string', min: 1, max: 63, pattern: '^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$' };
 */
export interface Shape {
  type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'float' | 'double' | 'boolean' | 'timestamp' | 'blob';
  /** Structure members: member name → shape name. */
  members?: Record<string, string>;
  /** Required structure members, in model order. */
  required?: string[];
  /** A union structure: exactly one member may be set. */
  union?: boolean;
  /** List element shape. */
  member?: string;
  /** Map key and value shapes. */
  key?: string;
  value?: string;
  /** Length (strings, lists, maps) or value (numbers) bounds, as the model gives them. */
  min?: number;
  max?: number;
  /** The model's regular expression, verbatim (the error message quotes it as is). */
  pattern?: string;
  /** Allowed string values. */
  enum?: string[];
  /** Set on error shapes (`ResourceNotFound`, ...). */
  exception?: boolean;
}

/** One operation of the operation table. */
export interface OperationSpec {
  /** Input shape name; absent for operations without input. */
  input?: string;
  /** Output shape name; absent for operations without output. */
  output?: string;
  /** Modeled error shape names. */
  errors: string[];
}
