export { createTagHandlers } from './handlers.js';
export { registerTaggableResource, type ResourceExists, type TaggableResource } from './resolvers.js';
export { putTags, deleteAllTags, MAX_TAGS_PER_RESOURCE } from './tag-store.js';
