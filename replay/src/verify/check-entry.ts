// The entry of the `replay --verify` checker threads inside a production bundle (check-worker.ts):
// packages/cli/build.cjs bundles it as `verify-checker.cjs`, without the engine the segment workers carry,
// so that it loads in a fraction of their time. Outside a bundle worker.cjs runs the same job through tsx.
import { workerData } from 'node:worker_threads';
import { run } from './check-worker';
import { failure, receiveJob, replier, type WorkerData } from './worker-protocol';

const data = workerData as WorkerData;
try {
  // The code is loaded: now wait for the job.
  run(receiveJob(data));
} catch (e) {
  replier(data)(failure(e));
}
