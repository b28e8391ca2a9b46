import type { Command } from 'commander';
import type { AppState } from '../../engine/index.ts';
import { shortRevision } from '../../engine/index.ts';
import { CliError } from '../cli-error.ts';
import type { JobAccepted, JobStatusResponse } from '../client/api-types.ts';
import type { AppClient } from '../client/app-client.ts';
import { EXIT } from '../exit-codes.ts';
import { appDetailView } from '../output/app-detail-view.ts';
import { appListTable, appWatchLine } from '../output/app-list-table.ts';
import { colourDiff, colours } from '../output/colour.ts';
import { historyTable } from '../output/history-table.ts';
import { jobResultView } from '../output/job-result-view.ts';
import { formatOutput } from '../output/output-format.ts';
import {
  action,
  addServerOptions,
  clientOf,
  formatOf,
  parseDurationMs,
  print,
  type ServerOptions,
} from './command-kit.ts';

/** `syncwave app ...`: commands against a running `syncwave serve`. */
export function registerApp(program: Command): void {
  const app = program
    .command('app')
    .description(
      'apps of a running syncwave serve (--server, env SYNCWAVE_SERVER) or of a deployed AWS stack (--aws, env SYNCWAVE_STACK)',
    );

  addServerOptions(app.command('list').description('apps with sync status, health, revision and last sync'))
    .option('-w, --watch', 'after the list, print a line per change of sync status or health')
    .option('--interval <duration>', 'how often --watch polls', '2s')
    .action(action(list));

  addServerOptions(
    app.command('get <name>').description('resources, last operation, and why anything is not healthy'),
  ).action(
    action(async (name: string, opts: ServerOptions) => {
      const detail = await clientOf(opts).getApp(name, opts.env);
      print(formatOutput(formatOf(opts), detail, () => appDetailView(detail, new Date())));
      return EXIT.ok;
    }),
  );

  addServerOptions(
    app.command('diff <name>').description('live vs Git as a unified diff; exit code 1 when out of sync'),
  ).action(
    action(async (name: string, opts: ServerOptions) => {
      const diff = await clientOf(opts).diff(name, opts.env);
      print(
        formatOutput(formatOf(opts), diff, () =>
          diff.inSync
            ? `${diff.env}/${diff.app} is in sync with ${diff.revision ? shortRevision(diff.revision) : 'Git'}`
            : diff.objects
                .map((o) => `${colours.bold(`${o.action} ${o.object}`)}\n${colourDiff(o.diff)}`)
                .join('\n'),
        ),
      );
      return diff.inSync ? EXIT.ok : EXIT.notOk;
    }),
  );

  addServerOptions(
    app.command('history <name>').description('past syncs, newest first, with the ids rollback takes'),
  ).action(
    action(async (name: string, opts: ServerOptions) => {
      const history = await clientOf(opts).history(name, opts.env);
      print(formatOutput(formatOf(opts), history, () => historyTable(history.history, new Date())));
      return EXIT.ok;
    }),
  );

  addServerOptions(
    app.command('sync <name>').description('sync an app now (waits for the result unless --async)'),
  )
    .option('--revision <ref>', 'commit or branch to sync (default: the environment branch tip)')
    .option('--allow-foreign-revision', "allow a --revision that is not on the environment's branch")
    .option('--prune', 'delete objects no longer in Git')
    .option('--dry-run', 'plan and dry-run apply only')
    .option('--async', 'return once queued')
    .option('--timeout <duration>', 'how long to wait for the result', '10m')
    .action(
      action(
        async (
          name: string,
          opts: ServerOptions & {
            revision?: string;
            allowForeignRevision?: boolean;
            prune?: boolean;
            dryRun?: boolean;
            async?: boolean;
            timeout: string;
          },
        ) => {
          const client = clientOf(opts);
          const accepted = await client.sync(name, {
            env: opts.env,
            revision: opts.revision,
            allowForeignRevision: opts.allowForeignRevision,
            prune: opts.prune,
            dryRun: opts.dryRun,
          });
          return followJob(client, accepted, opts);
        },
      ),
    );

  addServerOptions(
    app
      .command('rollback <name> <historyId>')
      .description('sync an earlier revision from history and pause automated syncs'),
  )
    .option('--async', 'return once queued')
    .option('--timeout <duration>', 'how long to wait for the result', '10m')
    .action(
      action(async (name: string, id: string, opts: ServerOptions & { async?: boolean; timeout: string }) => {
        const client = clientOf(opts);
        const accepted = await client.rollback(name, { id: Number(id), env: opts.env });
        return followJob(client, accepted, opts);
      }),
    );

  addServerOptions(
    app.command('resume <name>').description('resume automated syncs after a rollback'),
  ).action(
    action(async (name: string, opts: ServerOptions) => {
      const detail = await clientOf(opts).resume(name, { env: opts.env });
      print(
        formatOutput(
          formatOf(opts),
          detail,
          () => `automated syncs of ${detail.app.env}/${detail.app.app} resumed`,
        ),
      );
      return EXIT.ok;
    }),
  );

  addServerOptions(
    app
      .command('wait <name>')
      .description('wait until the app is synced and/or healthy; exit code 1 on timeout'),
  )
    .option('--health', 'wait for Healthy')
    .option('--sync', 'wait for Synced')
    .option('--timeout <duration>', 'give up after', '5m')
    .option('--interval <duration>', 'poll interval', '2s')
    .action(action(wait));
}

async function list(opts: ServerOptions & { watch?: boolean; interval: string }): Promise<number> {
  const client = clientOf(opts);
  const { apps } = await client.listApps(opts.env);
  const format = formatOf(opts);
  print(formatOutput(format, { apps }, () => appListTable(apps, new Date())));
  if (!opts.watch) return EXIT.ok;
  const key = (a: AppState): string => `${a.syncStatus}|${a.health.status}|${a.revision ?? ''}`;
  const seen = new Map(apps.map((a) => [`${a.env}/${a.app}`, key(a)]));
  const intervalMs = parseDurationMs(opts.interval, '--interval');
  for (;;) {
    await new Promise((r) => setTimeout(r, intervalMs));
    for (const a of (await client.listApps(opts.env)).apps) {
      const id = `${a.env}/${a.app}`;
      if (seen.get(id) === key(a)) continue;
      seen.set(id, key(a));
      print(format === 'table' ? appWatchLine(a, new Date()) : JSON.stringify(a));
    }
  }
}

/** Waits for a queued job and prints its result; exit 1 when it failed. */
async function followJob(
  client: AppClient,
  accepted: JobAccepted,
  opts: ServerOptions & { async?: boolean; timeout: string },
): Promise<number> {
  const format = formatOf(opts);
  if (opts.async) {
    print(formatOutput(format, accepted, () => `${accepted.message} (job ${accepted.job.id})`));
    return EXIT.ok;
  }
  if (format === 'table') process.stderr.write(`${accepted.message}; waiting...\n`);
  const deadline = Date.now() + parseDurationMs(opts.timeout, '--timeout');
  let status: JobStatusResponse = await client.job(accepted.job.id);
  while (status.state !== 'done' || !status.result) {
    if (Date.now() > deadline)
      throw new CliError(`job ${accepted.job.id} is still ${status.state} after ${opts.timeout}`, EXIT.notOk);
    await new Promise((r) => setTimeout(r, 1000));
    status = await client.job(accepted.job.id);
  }
  const result = status.result;
  print(formatOutput(format, result, () => jobResultView(result)));
  return result.outcome === 'failed' ? EXIT.notOk : EXIT.ok;
}

async function wait(
  name: string,
  opts: ServerOptions & { health?: boolean; sync?: boolean; timeout: string; interval: string },
): Promise<number> {
  const client = clientOf(opts);
  const wantHealth = opts.health || !opts.sync;
  const wantSync = opts.sync || !opts.health;
  const deadline = Date.now() + parseDurationMs(opts.timeout, '--timeout');
  const intervalMs = parseDurationMs(opts.interval, '--interval');
  for (;;) {
    const detail = await client.getApp(name, opts.env).catch((err: unknown) => {
      if (err instanceof CliError && /HTTP 404/.test(err.message)) return undefined;
      throw err;
    });
    const app = detail?.app;
    const healthy = app?.health.status === 'Healthy';
    const synced = app?.syncStatus === 'Synced' && !detail?.operation;
    if (app && (!wantHealth || healthy) && (!wantSync || synced)) {
      print(
        formatOutput(
          formatOf(opts),
          detail,
          () => `${app.env}/${app.app}: ${app.syncStatus}, ${app.health.status}`,
        ),
      );
      return EXIT.ok;
    }
    if (Date.now() > deadline) {
      const now = app
        ? `${app.syncStatus}, ${app.health.status}${app.health.message ? ` (${app.health.message})` : ''}`
        : 'not synced yet';
      throw new CliError(
        `timed out after ${opts.timeout} waiting for ${name}: it is ${now}; see \`syncwave app get ${name}\``,
        EXIT.notOk,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
