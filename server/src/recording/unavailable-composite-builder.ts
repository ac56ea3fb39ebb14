import type { CompositeBuilder, CompositeResult } from './composite-builder.js';

/** Bound until the FFmpeg composite builder (./composite) is part of this build: processing fails with why. */
export class UnavailableCompositeBuilder implements CompositeBuilder {
  build(): Promise<CompositeResult> {
    return Promise.reject(new Error('no composite builder in this build'));
  }
}
