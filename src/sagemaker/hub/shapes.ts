/**
 * The botocore shapes the hub provider reads and writes, re-exported from the
 * generated types (named exactly as the model names them).
 */
export type {
  CreateHubRequest, CreateHubResponse, DeleteHubContentRequest, DeleteHubRequest, DescribeHubContentRequest,
  DescribeHubContentResponse, DescribeHubRequest, DescribeHubResponse, HubContentDependency, HubContentInfo,
  HubContentSortBy, HubContentStatus, HubContentSupportStatus, HubContentType, HubInfo, HubS3StorageConfig,
  HubSortBy, HubStatus, ImportHubContentRequest, ImportHubContentResponse, ListHubContentVersionsRequest,
  ListHubContentVersionsResponse, ListHubContentsRequest, ListHubContentsResponse, ListHubsRequest,
  ListHubsResponse, SortOrder, Tag,
} from '../../aws/generated/sagemaker/types.js';
