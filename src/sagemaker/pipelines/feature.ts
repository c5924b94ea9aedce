/** The feature for pipelines and their executions (issue 7). */
import type { FeatureDeps, SageboxFeature } from '../../feature.js';

export function pipelinesFeature(_deps: FeatureDeps): SageboxFeature {
  return {};
}
