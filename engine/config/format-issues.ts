import type { z } from 'zod';

/** `apps[2].wave: expected integer` style paths for zod issues. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

export function formatIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const where = formatPath(issue.path);
    const message = issue.message
      .replace(/^Invalid input: /, '')
      .replace(/^expected int, received number$/, 'expected integer, got a fraction')
      .replace(/^expected (\w+), received undefined$/, 'is required ($1)');
    return `${prefix}${where}: ${message}`;
  });
}
