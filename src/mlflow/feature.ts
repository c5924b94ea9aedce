/** The feature for MLflow tracking servers, apps and the MLflow REST API (issue 8). */
import type { FeatureDeps, SageboxFeature } from '../feature.js';

export function mlflowFeature(_deps: FeatureDeps): SageboxFeature {
  return {};
}
