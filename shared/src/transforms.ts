import { Transform } from 'class-transformer';

// Transform-based helpers only: class-transformer's @Type reads decorator metadata at
// definition time, which would force reflect-metadata on every consumer (browser included).

/** Trims strings before validation; leaves other types alone so the type check still fails. */
export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Query-string integers: "42" → 42; anything else is passed on for @IsInt to reject. */
export const QueryInt = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value,
  );
