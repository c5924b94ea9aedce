/** The feature for processing jobs, models and lineage records (issue 7). */
import type { FeatureDeps, SageboxFeature } from '../../feature.js';

export function processingFeature(_deps: FeatureDeps): SageboxFeature {
  return {};
}
