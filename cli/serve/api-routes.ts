import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppSpec, AppState, Environment, Job, Queue } from '../../engine/index.ts';
import { shortRevision } from '../../engine/index.ts';
import type { AppDetail, DiffResponse, JobAccepted } from '../client/api-types.ts';
import {
  diffAppAtRevision,
  type EngineDeps,
  explainApp,
  manualJob,
  rollbackJob,
  setAutomationPaused,
} from '../engine-api.ts';
import { HttpError, readJson, sendJson } from './http-io.ts';
import type { RepoConfigCache } from './repo-config-cache.ts';
import { revisionOnBranch } from './revision-on-branch.ts';
import type { WorkerPool } from './worker-pool.ts';

export interface ApiContext {
  deps: EngineDeps;
  config: RepoConfigCache;
  queue: Queue;
  pool: WorkerPool;
  /** Names the repository in manual jobs. */
  repo: string;
}

/** `/api/...`: the JSON the CLI reads. Returns false when the path is not an API route. */
export async function handleApi(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: ApiContext,
): Promise<boolean> {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'api') return false;
  const env = url.searchParams.get('env') ?? undefined;
  const method = req.method ?? 'GET';
  const [, collection, name, verb] = parts;
  if (collection === 'jobs' && name && method === 'GET') return done(res, 200, ctx.pool.status(name));
  if (collection !== 'apps') throw new HttpError(404, `no route ${method} ${url.pathname}`);
  if (!name && method === 'GET') return done(res, 200, { apps: await ctx.deps.state.listApps(env) });
  if (!name) throw new HttpError(405, `${method} /api/apps is not supported`);
  if (method === 'GET' && !verb) return done(res, 200, await appDetail(ctx, await findApp(ctx, name, env)));
  if (method === 'GET' && verb === 'history') {
    const app = await findApp(ctx, name, env);
    return done(res, 200, {
      env: app.env,
      app: app.app,
      history: await ctx.deps.state.listHistory(app.env, app.app),
    });
  }
  if (method === 'GET' && verb === 'diff') return done(res, 200, await appDiff(ctx, name, env));
  if (method === 'POST' && verb) {
    const body = await readJson(req);
    const bodyEnv = typeof body.env === 'string' ? body.env : env;
    if (verb === 'sync') return done(res, 202, await queueSync(ctx, name, bodyEnv, body));
    if (verb === 'rollback') return done(res, 202, await queueRollback(ctx, name, bodyEnv, body));
    if (verb === 'resume') return done(res, 200, await resume(ctx, name, bodyEnv));
  }
  throw new HttpError(404, `no route ${method} ${url.pathname}`);
}

function done(res: ServerResponse, status: number, body: unknown): true {
  sendJson(res, status, body);
  return true;
}

/** The app's state in `env`, or in its only environment when `env` is not given. */
async function findApp(ctx: ApiContext, name: string, env: string | undefined): Promise<AppState> {
  const states = (await ctx.deps.state.listApps(env)).filter((s) => s.app === name);
  if (states.length === 1) return states[0]!;
  if (states.length > 1) {
    throw new HttpError(
      400,
      `app ${name} is in ${states.map((s) => s.env).join(', ')}: pass --env to pick one`,
    );
  }
  const known = [...new Set((await ctx.deps.state.listApps(env)).map((s) => s.app))];
  throw new HttpError(
    404,
    `no app ${name}${env ? ` in environment ${env}` : ''} has been synced yet${known.length ? ` (known: ${known.join(', ')})` : ''}`,
  );
}

async function appDetail(ctx: ApiContext, app: AppState): Promise<AppDetail> {
  const operation = await ctx.deps.state.getOperation(app.env, app.app);
  const unhealthy = app.health.status !== 'Healthy';
  const env = ctx.config.environment(app.env) ?? { name: app.env, branch: '', cluster: app.env };
  const explain = unhealthy ? await explainApp(env, app.app, ctx.deps) : [];
  return { app, operation, explain };
}

/** The environment and spec of an app declared in syncwave.yaml (at the tip of the environment's branch). */
async function findSpec(
  ctx: ApiContext,
  name: string,
  envName: string | undefined,
): Promise<{ env: Environment; spec: AppSpec; revision: string }> {
  const envs = envName ? [ctx.config.environment(envName)] : ctx.config.environments;
  if (envs[0] === undefined) {
    throw new HttpError(
      404,
      `no environment ${envName}; declared: ${ctx.config.environments.map((e) => e.name).join(', ')}`,
    );
  }
  const found: Array<{ env: Environment; spec: AppSpec; revision: string }> = [];
  for (const env of envs as Environment[]) {
    const { revision, apps } = await ctx.config.appsOf(env);
    const spec = apps.find((a) => a.name === name);
    if (spec) found.push({ env, spec, revision });
  }
  if (found.length === 1) return found[0]!;
  if (found.length > 1)
    throw new HttpError(
      400,
      `app ${name} is in ${found.map((f) => f.env.name).join(', ')}: pass --env to pick one`,
    );
  throw new HttpError(404, `no app ${name} in syncwave.yaml${envName ? ` for environment ${envName}` : ''}`);
}

async function appDiff(ctx: ApiContext, name: string, envName: string | undefined): Promise<DiffResponse> {
  const { env, spec, revision } = await findSpec(ctx, name, envName);
  try {
    return { env: env.name, app: name, ...(await diffAppAtRevision(spec, ctx.deps, revision)) };
  } catch (err) {
    throw new HttpError(500, `diff of ${env.name}/${name} failed: ${(err as Error).message}`);
  }
}

/** A job id for a manual operation: its kind, where, and a random part. */
function jobId(kind: string, env: string, app: string): string {
  return `${kind}-${env}-${app}-${randomUUID().slice(0, 8)}`;
}

async function queueSync(
  ctx: ApiContext,
  name: string,
  envName: string | undefined,
  body: Record<string, unknown>,
): Promise<JobAccepted> {
  const { env } = await findSpec(ctx, name, envName);
  const asked = typeof body.revision === 'string' && body.revision ? body.revision : env.branch;
  const revision = await revisionOnBranch({
    source: ctx.deps.source,
    env,
    revision: asked,
    allowForeign: body.allowForeignRevision === true,
  });
  const job = manualJob({
    id: jobId('manual', env.name, name),
    repo: ctx.repo,
    env: env.name,
    app: name,
    revision,
    now: ctx.deps.clock.now(),
    prune: body.prune === true,
    dryRun: body.dryRun === true,
  });
  await ctx.queue.send(job);
  return { job, message: `queued sync of ${env.name}/${name} at ${revision}` };
}

async function queueRollback(
  ctx: ApiContext,
  name: string,
  envName: string | undefined,
  body: Record<string, unknown>,
): Promise<JobAccepted> {
  const id = Number(body.id);
  if (!Number.isInteger(id))
    throw new HttpError(400, 'rollback needs {"id": HISTORY_ID}: see `syncwave app history NAME`');
  const app = await findApp(ctx, name, envName);
  const rollback = await rollbackJob(ctx.deps.state, {
    id: jobId('rollback', app.env, name),
    repo: ctx.repo,
    env: app.env,
    app: app.app,
    historyId: id,
    now: ctx.deps.clock.now(),
  });
  if (!rollback.ok) throw new HttpError(404, rollback.message);
  await ctx.queue.send(rollback.job);
  return { job: rollback.job, message: rollback.message };
}

async function resume(ctx: ApiContext, name: string, envName: string | undefined): Promise<AppDetail> {
  const app = await findApp(ctx, name, envName);
  const resumed = await setAutomationPaused(ctx.deps.state, app, false, ctx.deps.clock.now());
  return appDetail(ctx, resumed ?? app);
}
