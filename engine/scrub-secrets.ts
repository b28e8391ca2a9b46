import { SECRET_MASK } from './diff/hide-secret-data.ts';
import { redactUrl } from './redact-url.ts';

/** Values shorter than this are not scrubbed (they would match ordinary words). */
const MIN_LENGTH = 6;

/** Replaces known secret values in text. */
export type Scrub = (text: string) => string;

/**
 * A scrubber for text that leaves syncwave (log lines, API answers, error messages from renders):
 * every known secret value (the git token, the webhook secret, the API token...), plain and
 * base64, becomes `++++++++`, and userinfo in URLs is removed. The values are read at each call,
 * so a rotated secret is scrubbed too.
 */
export function createScrubber(values: () => ReadonlyArray<string | undefined>): Scrub {
  return (text) => {
    let out = redactUrl(text);
    for (const value of values()) {
      if (!value || value.length < MIN_LENGTH) continue;
      for (const form of [value, Buffer.from(value, 'utf8').toString('base64').replace(/=+$/, '')])
        out = out.split(form).join(SECRET_MASK);
    }
    return out;
  };
}
