/**
 * sagebox's typed MLflow REST client (Node's global fetch): the tracking endpoints sagebox logs
 * jobs with, against its own embedded servers or an external MLflow server. Auth follows
 * MLflow's client conventions: `token` (Bearer; MLFLOW_TRACKING_TOKEN) or `username`/`password`
 * (Basic; MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD). Network failures, timeouts,
 * 429 and 5xx answers are retried with back-off (`retries`, default 2); MLflow's
 * `{"error_code","message"}` answers throw MlflowError, an unreachable server
 * MlflowUnavailableError.
 */
import {
  MlflowError, type CreateExperimentResponse, type Experiment, type KeyValue, type Metric, type MetricHistoryResponse,
  type Run, type RunInfo, type RunStatus, type SearchExperimentsRequest, type SearchExperimentsResponse, type SearchRunsRequest, type SearchRunsResponse,
} from './wire.js';

/** The server could not be reached (or kept failing) after the retries. */
export class MlflowUnavailableError extends Error {
  override name = 'MlflowUnavailableError';
}

export interface MlflowClientOptions {
  token?: string;
  username?: string;
  password?: string;
  /** Per-request timeout in ms (default 10 s). */
  timeoutMs?: number;
  /** Retries after the first try for network errors, 429 and 5xx (default 2). */
  retries?: number;
}

/** Options from MLflow's environment variables. */
export function clientOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): MlflowClientOptions {
  return {
    ...(env.MLFLOW_TRACKING_TOKEN ? { token: env.MLFLOW_TRACKING_TOKEN } : {}),
    ...(env.MLFLOW_TRACKING_USERNAME ? { username: env.MLFLOW_TRACKING_USERNAME, password: env.MLFLOW_TRACKING_PASSWORD ?? '' } : {}),
  };
}

/**
 * @example
 *   const mlflow = new MlflowClient('http://127.0.0.1:8086/mlflow/t-0a1b2c3d4e5f');
 *   const { experiment_id } = await mlflow.createExperiment({ name: 'churn' });
 *   const run = await mlflow.createRun({ experiment_id, run_name: 'first' });
 *   await mlflow.logBatch({ run_id: run.info.run_id, metrics: [{ key: 'loss', value: 0.3, timestamp: Date.now(), step: 1 }] });
 */
export class MlflowClient {
  constructor(readonly trackingUri: string, private readonly options: MlflowClientOptions = {}) {}

  private headers(json: boolean): Record<string, string> {
    const h: Record<string, string> = json ? { 'content-type': 'application/json' } : {};
    if (this.options.token) h.authorization = `Bearer ${this.options.token}`;
    else if (this.options.username !== undefined) {
      h.authorization = `Basic ${Buffer.from(`${this.options.username}:${this.options.password ?? ''}`).toString('base64')}`;
    }
    return h;
  }

  /** One call: `GET` with query parameters or `POST` with a JSON body. */
  async call<T>(method: 'GET' | 'POST' | 'DELETE', endpoint: string, params: Record<string, unknown> = {}): Promise<T> {
    let url = `${this.trackingUri.replace(/\/+$/, '')}/api/2.0/mlflow/${endpoint}`;
    if (method === 'GET') {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(params)) {
        if (v === undefined) continue;
        for (const item of Array.isArray(v) ? v : [v]) q.append(k, String(item));
      }
      const qs = q.toString();
      if (qs) url += `?${qs}`;
    }
    const retries = this.options.retries ?? 2;
    let lastError: unknown;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
      let response: Response;
      try {
        response = await fetch(url, {
          method, headers: this.headers(method !== 'GET'),
          ...(method !== 'GET' ? { body: JSON.stringify(params) } : {}),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        });
      } catch (error) {
        lastError = error;
        continue;
      }
      const text = await response.text();
      if (response.ok) return (text ? JSON.parse(text) : {}) as T;
      let body: { error_code?: string; message?: string } | undefined;
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        body = undefined;
      }
      const error = body?.error_code
        ? new MlflowError(body.error_code, body.message ?? '', response.status)
        : new MlflowError(response.status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST', `HTTP ${response.status} from ${url}: ${text.slice(0, 200)}`, response.status);
      if (response.status === 429 || response.status >= 500) {
        lastError = error;
        continue;
      }
      throw error;
    }
    if (lastError instanceof MlflowError) throw lastError;
    const cause = (lastError as { cause?: { code?: string; message?: string } })?.cause;
    throw new MlflowUnavailableError(`MLflow server ${this.trackingUri} is unreachable: ${cause?.code ?? cause?.message ?? (lastError as Error)?.message ?? 'unknown error'}`);
  }

  createExperiment(req: { name: string; artifact_location?: string; tags?: KeyValue[] }): Promise<CreateExperimentResponse> {
    return this.call('POST', 'experiments/create', req);
  }
  async getExperiment(experimentId: string): Promise<Experiment> {
    return (await this.call<{ experiment: Experiment }>('GET', 'experiments/get', { experiment_id: experimentId })).experiment;
  }
  /** The experiment, or undefined when none has that name. */
  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    try {
      return (await this.call<{ experiment: Experiment }>('GET', 'experiments/get-by-name', { experiment_name: name })).experiment;
    } catch (error) {
      if (error instanceof MlflowError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') return undefined;
      throw error;
    }
  }
  searchExperiments(req: SearchExperimentsRequest = {}): Promise<SearchExperimentsResponse> {
    return this.call('POST', 'experiments/search', req as Record<string, unknown>);
  }
  deleteExperiment(experimentId: string): Promise<unknown> {
    return this.call('POST', 'experiments/delete', { experiment_id: experimentId });
  }
  async createRun(req: { experiment_id?: string; run_name?: string; start_time?: number; tags?: KeyValue[] }): Promise<Run> {
    return (await this.call<{ run: Run }>('POST', 'runs/create', { start_time: Date.now(), ...req })).run;
  }
  async getRun(runId: string): Promise<Run> {
    return (await this.call<{ run: Run }>('GET', 'runs/get', { run_id: runId })).run;
  }
  async updateRun(req: { run_id: string; status?: RunStatus; end_time?: number; run_name?: string }): Promise<RunInfo> {
    return (await this.call<{ run_info: RunInfo }>('POST', 'runs/update', req)).run_info;
  }
  deleteRun(runId: string): Promise<unknown> {
    return this.call('POST', 'runs/delete', { run_id: runId });
  }
  logBatch(req: { run_id: string; metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] }): Promise<unknown> {
    return this.call('POST', 'runs/log-batch', req);
  }
  logMetric(runId: string, metric: Metric): Promise<unknown> {
    return this.call('POST', 'runs/log-metric', { run_id: runId, ...metric });
  }
  logParam(runId: string, key: string, value: string): Promise<unknown> {
    return this.call('POST', 'runs/log-parameter', { run_id: runId, key, value });
  }
  setTag(runId: string, key: string, value: string): Promise<unknown> {
    return this.call('POST', 'runs/set-tag', { run_id: runId, key, value });
  }
  searchRuns(req: SearchRunsRequest): Promise<SearchRunsResponse> {
    return this.call('POST', 'runs/search', req as Record<string, unknown>);
  }
  /** Every point of a metric (follows next_page_token when `pageSize` is given). */
  async getMetricHistory(runId: string, key: string, pageSize?: number): Promise<Metric[]> {
    const out: Metric[] = [];
    let token: string | undefined;
    do {
      const page = await this.call<MetricHistoryResponse>('GET', 'metrics/get-history', {
        run_id: runId, metric_key: key, ...(pageSize ? { max_results: pageSize } : {}), ...(token ? { page_token: token } : {}),
      });
      out.push(...(page.metrics ?? []));
      token = page.next_page_token;
    } while (token);
    return out;
  }
}
