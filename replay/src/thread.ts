// Starting the worker threads of this package (verify's segments, the day reader): each is a TypeScript
// entry that a production bundle (packages/cli/build.cjs: WORKER_BUNDLES) carries beside itself under a
// name, and that runs elsewhere (tests, tsx) through a .cjs bootstrap registering tsx. A thread talks on a
// MessageChannel whose far end it is given, and neither it nor its port keeps the process alive.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MessageChannel, Worker, type MessagePort, type Transferable } from 'node:worker_threads';

/**
 * The file to start a thread from: `bundled` beside the running bundle (`dir`, the caller's __dirname) when it
 * is there, else the bootstrap at `bootstrap` (a path inside this package).
 */
export function threadEntry(dir: string, bundled: string, bootstrap: string): string {
  const inBundle = join(dir, bundled);
  return existsSync(inBundle) ? inBundle : join(dirname(require.resolve('@axiom/replay/package.json')), bootstrap);
}

/**
 * Post `message` on `port` (transferring `transfer`), then count it in `counters[at]` and wake the thread
 * sleeping on that counter: the other side waits with `Atomics.wait`, since it never runs its event loop.
 */
export function postCounted(port: MessagePort, counters: Int32Array, at: number, message: unknown, transfer: readonly Transferable[] = []): void {
  port.postMessage(message, transfer);
  Atomics.add(counters, at, 1);
  Atomics.notify(counters, at);
}

/** Start a thread on `entry` with `data` plus `port` (its end of a new channel); returns it and this thread's end. */
export function startThread(entry: string, data: object): { worker: Worker; port: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(entry, {
    workerData: { ...data, port: port2 },
    transferList: [port2],
    // The entry registers tsx itself when it needs it; the parent's flags (`--import tsx`, `--cpu-prof`) are not for it.
    execArgv: [],
  });
  // Failures arrive as messages; a thread that dies without one ends a wait by its caller's silence bound.
  // Without a listener its 'error' event would crash the process later.
  worker.on('error', () => undefined);
  worker.unref();
  port1.unref();
  return { worker, port: port1 };
}
