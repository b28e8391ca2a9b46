// Secret values that must never appear in anything syncwave prints: the CLI's stdout and stderr,
// serve's log, API answers. Tests put a Secret holding them into the GitOps repository, collect
// every output, and fail on any line that contains a value, plain or base64.
import { randomBytes } from 'node:crypto';

export interface SecretCanary {
  /** Plain values: [0] given as stringData, [1] as data (base64 in the manifest), [2] for a test to change one to, [3] a git token. */
  values: string[];
  /** A plain-YAML Secret manifest holding the values. */
  manifest(name?: string): string;
  /** Records an output under a label (`syncwave app diff`, `serve.log`, ...). */
  collect(label: string, text: string): void;
  /** Every collected line showing a value plain or base64, prefixed with its label; [] when none. */
  leaks(): string[];
  /** How many lines were collected (a test asserts it looked at something). */
  readonly lines: number;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export function secretCanary(): SecretCanary {
  const values = ['string', 'data', 'changed', 'token'].map(
    (k) => `canary-${k}-${randomBytes(9).toString('hex')}`,
  );
  // base64 of a value inside a longer base64 text is aligned only at multiples of 3 bytes: look
  // for the encodings of the value at all three offsets (minus the edge characters).
  const needles = values.flatMap((v) => [
    v,
    b64(v).replace(/=+$/, ''),
    ...[1, 2].map((pad) => b64(`${'x'.repeat(pad)}${v}`).slice(4, -4)),
  ]);
  const collected: Array<{ label: string; line: string }> = [];
  return {
    values,
    manifest: (name = 'canary') => `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
type: Opaque
stringData:
  password: ${values[0]}
data:
  token: ${b64(values[1]!)}
`,
    collect(label, text) {
      for (const line of text.split('\n')) collected.push({ label, line });
    },
    leaks: () =>
      collected
        .filter(({ line }) => needles.some((n) => line.includes(n)))
        .map(({ label, line }) => `${label}: ${line.slice(0, 300)}`),
    get lines() {
      return collected.length;
    },
  };
}
