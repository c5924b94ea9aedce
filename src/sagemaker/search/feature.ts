/** The feature for Search (issue 9). */
import type { FeatureDeps, SageboxFeature } from '../../feature.js';

export function searchFeature(_deps: FeatureDeps): SageboxFeature {
  return {};
}
