/** Injection token of the CompositeBuilder (composite-builder.ts) the recording module uses. */
export const COMPOSITE_BUILDER = Symbol('COMPOSITE_BUILDER');
