// The parts of the client that only an Edgewise instance needs: loaded by Edgewise.create() as their
// own chunk, so an app's main bundle carries only the small entry (the client's shell, its config
// checks, the assignment helpers and detectBackends), and apps using just the assignment helpers
// never load these: the event queue, experiments, the model store, placement, the worker host with
// Comlink and the predict path (signature checks, packing, deadlines).
export { createInferenceWorker } from './create-worker.js';
export { rewardEvent } from './events/create-event.js';
export { EventQueue } from './events/event-queue.js';
export { deviceClassFrom } from './experiments/device-class.js';
export { chooseFor, loadInExperiment } from './experiments/experiment-load.js';
export { ExperimentRefresh } from './experiments/experiment-refresh.js';
export { ExperimentsClient } from './experiments/experiments-client.js';
export { ExposureLog } from './experiments/exposure-log.js';
export { StickyAssignments } from './experiments/sticky-assignments.js';
export { LazyHost } from './inference/lazy-host.js';
export { describePlacement, place, planPlacement } from './inference/placement.js';
export { RemoteHost } from './inference/remote-host.js';
export { WorkerHost } from './inference/worker-host.js';
export { Model } from './model.js';
export { bytesFiles, manifestFiles } from './models/model-files.js';
export { ModelStore } from './models/model-store.js';
export { DEFAULT_STALL_MS, stallGuard } from './models/stall-guard.js';
