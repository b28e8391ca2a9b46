import semver from 'semver';

/**
 * An exact chart version (`1.2.3`, `v1.2.3`, `1.2.3-rc.1+build`): fetched by that name, then
 * cached without asking the repository again.
 */
export function isExactVersion(version: string): boolean {
  return semver.valid(version.trim(), { loose: true }) !== null;
}

/**
 * The version a constraint chooses among those a repository offers, as Helm chooses
 * (Masterminds semver): the exact version when named, else the highest that satisfies the
 * range (`18.x`, `^1.2`, `~1.2.0`, `>=1, <2`, `*`; empty means the newest). Prereleases are
 * chosen only by a range that names one, as in Helm. Undefined when none fits.
 */
export function pickChartVersion(offered: readonly string[], constraint: string): string | undefined {
  const wanted = constraint.trim();
  if (isExactVersion(wanted)) {
    const exact = offered.find((v) => v === wanted);
    if (exact !== undefined) return exact;
    return offered.find((v) => semver.valid(v, { loose: true }) && semver.eq(v, wanted, { loose: true }));
  }
  // Helm separates AND-ed comparators with commas; npm semver with spaces.
  const range = semver.validRange(wanted === '' ? '*' : wanted.replaceAll(',', ' '), { loose: true });
  if (range === null) return undefined;
  const valid = offered.filter((v) => semver.valid(v, { loose: true }) !== null);
  return semver.maxSatisfying(valid, range, { loose: true }) ?? undefined;
}

/** Whether a constraint is one pickChartVersion understands. */
export function isVersionConstraint(constraint: string): boolean {
  const wanted = constraint.trim();
  return (
    isExactVersion(wanted) ||
    semver.validRange(wanted === '' ? '*' : wanted.replaceAll(',', ' '), { loose: true }) !== null
  );
}
