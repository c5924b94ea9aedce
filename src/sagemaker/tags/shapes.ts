/** The botocore shapes of AddTags / ListTags / DeleteTags, from the generated types. */
export type {
  AddTagsInput, AddTagsOutput, DeleteTagsInput, DeleteTagsOutput, ListTagsInput, ListTagsOutput, Tag,
} from '../../aws/generated/sagemaker/types.js';
