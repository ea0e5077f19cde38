// The parts of the client that only an Edgewise instance needs: loaded by Edgewise.create() as their
// own chunk, so an app's main bundle carries only the small entry (and apps using just the assignment
// helpers never load these).
export { rewardEvent } from './events/create-event.js';
export { EventQueue } from './events/event-queue.js';
export { chooseFor, loadInExperiment } from './experiments/experiment-load.js';
export { ExperimentRefresh } from './experiments/experiment-refresh.js';
export { ExperimentsClient } from './experiments/experiments-client.js';
export { ExposureLog } from './experiments/exposure-log.js';
export { StickyAssignments } from './experiments/sticky-assignments.js';
export { ModelStore } from './models/model-store.js';
export { DEFAULT_STALL_MS, stallGuard } from './models/stall-guard.js';
