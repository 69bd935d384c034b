import type { ServiceRef } from '../services/index.js';
import type { AlertSignal } from './alert-signal.js';

/** One signal to ingest, with the service its integration key resolved to. */
export interface IngestItem {
  service: ServiceRef;
  signal: AlertSignal;
}
