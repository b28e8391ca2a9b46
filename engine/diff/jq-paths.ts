import {
  isMainThread,
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
  workerData,
} from 'node:worker_threads';
import { EngineError } from '../errors.ts';
import type { FieldPath } from './field-paths.ts';

/**
 * jq for ignoreDifferences' `jqPathExpressions`, as Argo CD evaluates them (it deletes
 * `del(<expression>)` with gojq): the real jq (jq-wasm, jq 1.8 compiled to WebAssembly) runs
 * `[path(<expression>)]` on the object and answers the paths it names.
 *
 * Expressions come from the repository, so they are untrusted: `repeat(.)` never ends and a
 * regular expression can backtrack for hours. jq runs in a worker thread, and the caller waits
 * for it synchronously (Atomics.wait on a shared counter, then receiveMessageOnPort) for at most
 * JQ_TIMEOUT_MS; past that the worker is terminated and the comparison fails naming the
 * expression (Argo CD stops one after 1 s by default). jq in WebAssembly has no files, network
 * or environment of the process to read (`$ENV` is emscripten's empty stand-in).
 *
 * The worker is this very module (its own URL), so it works the same from the TypeScript
 * sources, the CLI bundle and a Lambda bundle: in a worker started with the marker below, the
 * module serves jq requests instead of being a library.
 */
export const JQ_TIMEOUT_MS = 2_000;
/** The first request also waits for the worker to start and compile jq. */
const JQ_START_TIMEOUT_MS = 30_000;
const ROLE = 'syncwave-jq';

interface JqRequest {
  query: string;
  input: unknown;
}
type JqReply = { ok: true; value: unknown } | { ok: false; error: string };

interface WorkerInit {
  role: typeof ROLE;
  port: MessagePort;
  counter: SharedArrayBuffer;
}

if (!isMainThread && (workerData as Partial<WorkerInit> | null)?.role === ROLE) {
  void serveJq(workerData as WorkerInit);
}

async function serveJq(init: WorkerInit): Promise<void> {
  const counter = new Int32Array(init.counter);
  const reply = (r: JqReply) => {
    init.port.postMessage(r);
    Atomics.add(counter, 0, 1);
    Atomics.notify(counter, 0);
  };
  let jq: { json(input: unknown, query: string): unknown[] };
  try {
    const { loadJq } = await import('jq-wasm/inline');
    jq = await loadJq();
  } catch (error) {
    init.port.on('message', () =>
      reply({ ok: false, error: `jq could not start: ${(error as Error).message}` }),
    );
    return;
  }
  init.port.on('message', (req: JqRequest) => {
    try {
      reply({ ok: true, value: jq.json(req.input as object, req.query) });
    } catch (error) {
      const e = error as { stderr?: string; message?: string };
      reply({ ok: false, error: (e.stderr || e.message || String(error)).trim() });
    }
  });
}

class JqWorker {
  #worker?: Worker;
  #port?: MessagePort;
  #counter = new Int32Array(new SharedArrayBuffer(4));
  #started = false;

  run(query: string, input: unknown): JqReply | { ok: false; timedOut: true } {
    const port = this.#start();
    const seen = Atomics.load(this.#counter, 0);
    port.postMessage({ query, input } satisfies JqRequest);
    const timeout = this.#started ? JQ_TIMEOUT_MS : JQ_START_TIMEOUT_MS;
    if (Atomics.wait(this.#counter, 0, seen, timeout) === 'timed-out') {
      this.stop();
      return { ok: false, timedOut: true };
    }
    this.#started = true;
    const message = receiveMessageOnPort(port);
    const reply: JqReply = message
      ? (message.message as JqReply)
      : { ok: false, error: 'jq answered nothing' };
    // jq out of memory aborts its WebAssembly instance for good: the next request gets a new one.
    if (!reply.ok && /Aborted\(/.test(reply.error)) this.stop();
    return reply;
  }

  stop(): void {
    void this.#worker?.terminate();
    this.#port?.close();
    this.#worker = undefined;
    this.#port = undefined;
    this.#started = false;
    this.#counter = new Int32Array(new SharedArrayBuffer(4));
  }

  #start(): MessagePort {
    if (this.#port) return this.#port;
    const { port1, port2 } = new MessageChannel();
    const init: WorkerInit = { role: ROLE, port: port2, counter: this.#counter.buffer as SharedArrayBuffer };
    const worker = new Worker(new URL(import.meta.url), {
      workerData: init,
      transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    worker.on('error', () => this.stop());
    worker.unref();
    port1.unref();
    this.#worker = worker;
    this.#port = port1;
    return port1;
  }
}

const shared = new JqWorker();

/**
 * The paths an ignoreDifferences jq path expression names in `obj` (none when it names nothing,
 * `.spec.missing` included). A syntax error, a runtime error (`path(1)`: not a path expression)
 * or a run past the time limit throws an EngineError naming the expression.
 */
export function jqPaths(obj: unknown, expression: string): FieldPath[] {
  const answer = shared.run(`[path(${expression})]`, obj);
  if (answer.ok) return (answer.value as FieldPath[][])[0] ?? [];
  if ('timedOut' in answer)
    throw new EngineError(
      `ignoreDifferences: jq path expression "${expression}" ran for more than ${JQ_TIMEOUT_MS / 1000}s and was stopped; simplify it`,
    );
  throw new EngineError(`ignoreDifferences: jq path expression "${expression}": ${answer.error}`);
}
