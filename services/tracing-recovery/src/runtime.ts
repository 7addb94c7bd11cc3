// Where recovery actions go: the Docker Engine API over its unix socket (containers of a
// compose project, found by their compose labels), or the `pnpm dev` orchestrator's control
// API on loopback. Both restart one service by its catalog name.

import { request } from 'node:http';
import { hostname } from 'node:os';

export interface RestartResult {
  /** What was done: `restart` a running container/process, `start` a stopped one. */
  action: 'restart' | 'start';
  detail: string;
}

export interface Runtime {
  readonly name: 'docker' | 'dev';
  /** Restarts (or starts, when stopped) the service; throws with a readable message on failure. */
  restart(service: string): Promise<RestartResult>;
}

export class RuntimeError extends Error {
  override name = 'RuntimeError';
}

interface DockerResponse {
  status: number;
  body: string;
}

/** One Engine API call over the socket. */
function dockerCall(socketPath: string, method: string, path: string, timeoutMs: number): Promise<DockerResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, timeout: timeoutMs, headers: { host: 'docker' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () =>
      req.destroy(new RuntimeError(`Docker API ${method} ${path} timed out after ${timeoutMs} ms`)),
    );
    req.on('error', (error) =>
      reject(error instanceof RuntimeError ? error : new RuntimeError(`Docker API at ${socketPath}: ${error.message}`)),
    );
    req.end();
  });
}

export interface ContainerSummary {
  Id: string;
  Names: string[];
  State: string;
  Status: string;
  Labels: Record<string, string>;
}

export interface DockerRuntimeOptions {
  socketPath: string;
  /**
   * `COMPOSE_PROJECT`: only containers of this compose project are touched. Unset, the
   * project is the one of the container this process runs in (found by its hostname, the
   * container's id), so a stack restarts its own containers and no other stack's.
   */
  project?: string;
  /** The container id to look the project up by (default: this host's name). */
  selfId?: string;
  /** Seconds Docker waits after SIGTERM before SIGKILL on restart. */
  stopTimeoutSeconds?: number;
  timeoutMs?: number;
}

export class DockerRuntime implements Runtime {
  readonly name = 'docker';

  private readonly options: DockerRuntimeOptions;

  constructor(options: DockerRuntimeOptions) {
    this.options = options;
  }

  private projectLookup: Promise<string | undefined> | undefined;

  /** The compose project this runtime is scoped to, when there is one. */
  project(): Promise<string | undefined> {
    this.projectLookup ??= (async () => {
      if (this.options.project) return this.options.project;
      const self = this.options.selfId ?? hostname();
      try {
        const res = await this.call('GET', `/containers/${encodeURIComponent(self)}/json`);
        if (res.status !== 200) return undefined; // not running in a container of this engine
        const labels = (JSON.parse(res.body) as { Config?: { Labels?: Record<string, string> } }).Config?.Labels;
        return labels?.['com.docker.compose.project'];
      } catch {
        return undefined;
      }
    })();
    return this.projectLookup;
  }

  private call(method: string, path: string) {
    // A restart waits for the stop timeout: give the call that long and more.
    const timeoutMs = this.options.timeoutMs ?? ((this.options.stopTimeoutSeconds ?? 10) + 20) * 1000;
    return dockerCall(this.options.socketPath, method, path, timeoutMs);
  }

  /** The containers of a compose service (all states), newest first. */
  async containers(service: string): Promise<ContainerSummary[]> {
    const labels = [`com.docker.compose.service=${service}`];
    const project = await this.project();
    if (project) labels.push(`com.docker.compose.project=${project}`);
    const filters = encodeURIComponent(JSON.stringify({ label: labels }));
    const res = await this.call('GET', `/containers/json?all=1&filters=${filters}`);
    if (res.status !== 200) throw new RuntimeError(`Docker API listing containers answered ${res.status}: ${res.body}`);
    return JSON.parse(res.body) as ContainerSummary[];
  }

  async restart(service: string): Promise<RestartResult> {
    const containers = await this.containers(service);
    const container = containers[0];
    if (!container) {
      const project = await this.project();
      const scope = project ? ` in compose project ${project}` : '';
      throw new RuntimeError(`no container labelled com.docker.compose.service=${service}${scope}`);
    }
    const name = container.Names[0]?.replace(/^\//, '') ?? container.Id.slice(0, 12);
    const running = container.State === 'running' || container.State === 'restarting';
    const path = running
      ? `/containers/${container.Id}/restart?t=${this.options.stopTimeoutSeconds ?? 10}`
      : `/containers/${container.Id}/start`;
    const res = await this.call('POST', path);
    // 204: done; 304 from start: it was already started meanwhile.
    if (res.status !== 204 && res.status !== 304) {
      throw new RuntimeError(
        `Docker API ${running ? 'restart' : 'start'} of ${name} answered ${res.status}: ${res.body}`,
      );
    }
    return {
      action: running ? 'restart' : 'start',
      detail: `${running ? 'restarted' : 'started'} container ${name} (${container.Id.slice(0, 12)}, was ${container.State})`,
    };
  }

  /** Whether the Engine answers (for readiness detail). */
  async ping(): Promise<string> {
    const res = await this.call('GET', '/_ping');
    if (res.status !== 200) throw new RuntimeError(`Docker API /_ping answered ${res.status}`);
    return res.body;
  }
}

export interface DevServiceState {
  name: string;
  state: string;
  pid?: number;
  restarts?: number;
}

/** The `pnpm dev` orchestrator's control API (DEV_CONTROL_URL, bearer DEV_CONTROL_TOKEN). */
export class DevRuntime implements Runtime {
  readonly name = 'dev';

  private readonly options: { url: string; token: string; timeoutMs?: number };

  constructor(options: { url: string; token: string; timeoutMs?: number }) {
    this.options = options;
  }

  private async call(method: string, path: string): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.options.url.replace(/\/+$/, '')}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.options.token}` },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new RuntimeError(`dev control API at ${this.options.url}: ${(error as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) throw new RuntimeError(`dev control API ${method} ${path} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  async services(): Promise<DevServiceState[]> {
    return ((await this.call('GET', '/services')) as { services: DevServiceState[] }).services;
  }

  async restart(service: string): Promise<RestartResult> {
    const answer = (await this.call('POST', `/services/${encodeURIComponent(service)}/restart`)) as {
      previousState?: string;
    };
    const wasRunning = answer?.previousState !== 'exited' && answer?.previousState !== 'failed';
    return {
      action: wasRunning ? 'restart' : 'start',
      detail: `asked pnpm dev to restart ${service} (was ${answer?.previousState ?? 'unknown'})`,
    };
  }
}
