export { EdgewiseError, type ErrorCode, isEdgewiseError } from './errors.js';
export { type BackendCapabilities, detectBackends } from './inference/capabilities.js';
