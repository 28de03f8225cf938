// The entry of the `replay --verify` worker threads inside a production bundle: packages/cli/build.cjs
// bundles it as `verify-worker.cjs` beside the CLI's (or a benchmark's) bundle, and sync-worker.ts starts it
// when it is there. Outside a bundle worker.cjs does the same job through tsx. The dispatch and the failure
// reply are worker.cjs's.
import { workerData } from 'node:worker_threads';
import { run as runSegment } from './segment-worker';
import { failure, receiveJob, replier, type JobData, type WorkerData } from './worker-protocol';

const RUN: Record<string, (data: JobData) => void> = { segment: runSegment };

const data = workerData as WorkerData;
try {
  // The code is loaded: now wait for the job.
  const withJob = receiveJob(data);
  const run = RUN[withJob.job.kind];
  if (run === undefined) throw new Error(`replay --verify: no worker module for a ${withJob.job.kind} job`);
  run(withJob);
} catch (e) {
  replier(data)(failure(e));
}
