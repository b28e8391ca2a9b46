import type { Log } from '../../engine/index.ts';
import { colours } from '../output/colour.ts';

export type LogFormat = 'json' | 'pretty';
type Level = 'debug' | 'info' | 'warn' | 'error';

export interface CreateLogOptions {
  format: LogFormat;
  /** Where lines go; stdout unless told. */
  write?: (line: string) => void;
  /** Drop debug lines unless true. */
  debug?: boolean;
  now?: () => Date;
}

/**
 * The structured log of `syncwave serve`: JSON lines with the Lambdas' keys (level, message,
 * timestamp, service, then deliveryId, env, app, revision, wave, phase, outcome, durationMs...),
 * or one readable line per event for a terminal.
 */
export function createLog(opts: CreateLogOptions): Log {
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = opts.now ?? (() => new Date());
  const emit = (level: Level, message: string, fields: Record<string, unknown> = {}): void => {
    if (level === 'debug' && !opts.debug) return;
    const timestamp = now().toISOString();
    if (opts.format === 'json') {
      write(
        JSON.stringify({ level: level.toUpperCase(), message, timestamp, service: 'syncwave', ...fields }),
      );
      return;
    }
    const pairs = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${colours.dim(`${k}=`)}${typeof v === 'string' ? v : JSON.stringify(v)}`);
    write(
      [colours.dim(timestamp.slice(11, 19)), LEVEL_COLOUR[level](level.padEnd(5)), message, ...pairs].join(
        ' ',
      ),
    );
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

const LEVEL_COLOUR: Record<Level, (s: string) => string> = {
  debug: colours.dim,
  info: colours.cyan,
  warn: colours.yellow,
  error: colours.red,
};
