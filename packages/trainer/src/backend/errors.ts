import { TrainerError } from '../errors.js';

/**
 * The backend that was asked for by name could not be loaded. (Engine-specific; the option errors come
 * from the package's src/errors.ts like every other.)
 */
export class BackendUnavailableError extends TrainerError {
  override name = 'BackendUnavailableError';
  constructor(readonly backend: string, readonly reason: string) {
    super(`Backend ${backend} was requested but is not available: ${reason}`);
  }
}
