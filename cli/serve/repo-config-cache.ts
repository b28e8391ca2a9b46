import type { AppSpec, Environment, Source, ToolRunner } from '../../engine/index.ts';
import { shortRevision } from '../../engine/index.ts';
import { CliError } from '../cli-error.ts';
import { loadRepoConfig, type RepoConfig, renderForConfig } from '../engine-api.ts';

/**
 * syncwave.yaml as `serve` sees it: the environments from `configRef` (the default branch),
 * an environment's apps from the tip of its own branch. Loaded configs are kept by revision.
 */
export class RepoConfigCache {
  private readonly byRevision = new Map<string, RepoConfig>();
  private current: Environment[] = [];

  constructor(
    private readonly source: Source,
    private readonly configRef: string,
    /** How root Applications (app of apps) are rendered. */
    private readonly renderDeps?: { tools: ToolRunner; cacheDir: string },
  ) {}

  /** The environments, as of the last refresh(). */
  get environments(): Environment[] {
    return this.current;
  }

  /** Reads syncwave.yaml at the tip of `configRef` again; throws when it is invalid. */
  async refresh(): Promise<Environment[]> {
    const config = await this.at(await this.source.resolve(this.configRef));
    this.current = config.environments;
    return this.current;
  }

  environment(name: string): Environment | undefined {
    return this.current.find((e) => e.name === name);
  }

  /** The apps of an environment at the tip of its branch, and that revision. */
  async appsOf(env: Environment): Promise<{ revision: string; apps: AppSpec[] }> {
    const revision = await this.source.resolve(env.branch);
    return { revision, apps: (await this.at(revision)).apps(env.name) };
  }

  async at(revision: string): Promise<RepoConfig> {
    const cached = this.byRevision.get(revision);
    if (cached) return cached;
    const checkout = await this.source.checkout(revision);
    const loaded = await loadRepoConfig(checkout.dir, {
      render: this.renderDeps && renderForConfig(checkout, this.renderDeps),
    });
    if (!loaded.ok) {
      throw new CliError(
        `${loaded.subject} at ${shortRevision(revision)} is invalid:\n  ${loaded.errors.join('\n  ')}`,
      );
    }
    this.byRevision.set(revision, loaded.config);
    return loaded.config;
  }
}
