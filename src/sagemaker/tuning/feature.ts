/** The feature for hyperparameter tuning jobs (issue 6). */
import type { FeatureDeps, SageboxFeature } from '../../feature.js';

export function tuningFeature(_deps: FeatureDeps): SageboxFeature {
  return {};
}
