/**
 * Helpers for the Search tests: the raw wire answer of an operation (the SDK drops members its
 * model does not have, such as a TrainingJob record's ServerlessJobConfig), and a Search that
 * follows NextToken to the end.
 */
import * as sm from '@aws-sdk/client-sagemaker';

/**
 * Calls an operation over HTTP without the SDK and returns the JSON body as sent (sagebox's
 * default `parse` auth reads the account from the credential without checking the signature).
 *
 * @example const raw = await rawCall(sb.url, 'Search', { Resource: 'TrainingJob' });
 */
export async function rawCall(url: string, operation: string, input: object, account = '123456789012'): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `SageMaker.${operation}`,
      authorization: `AWS4-HMAC-SHA256 Credential=${account}/20260101/us-east-1/sagemaker/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(input),
  });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`${operation}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Every page of a Search, in order (MaxResults per page). */
export async function searchAll(client: sm.SageMakerClient, input: sm.SearchCommandInput): Promise<{ pages: sm.SearchCommandOutput[]; results: sm.SearchRecord[] }> {
  const pages: sm.SearchCommandOutput[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new sm.SearchCommand({ ...input, NextToken: token }));
    pages.push(page);
    token = page.NextToken;
  } while (token && pages.length < 100);
  return { pages, results: pages.flatMap((p) => p.Results ?? []) };
}

/** The training job names of a Search's results, in order. */
export const jobNames = (results: sm.SearchRecord[] | undefined): string[] => (results ?? []).map((r) => r.TrainingJob!.TrainingJobName!);
