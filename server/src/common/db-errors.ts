interface DriverErrorFields {
  code?: unknown;
  errno?: unknown;
  driverError?: unknown;
}

/** Tests `err` and, for TypeORM's QueryFailedError, the driver error it wraps. */
function driverErrorMatches(err: unknown, test: (fields: DriverErrorFields) => boolean): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const fields = err as DriverErrorFields;
  if (test(fields)) return true;
  const inner = fields.driverError;
  return inner !== undefined && inner !== err && driverErrorMatches(inner, test);
}

/** True for a unique-constraint violation on SQLite or MySQL/MariaDB. */
export function isUniqueViolation(err: unknown): boolean {
  return driverErrorMatches(
    err,
    ({ code, errno }) =>
      code === 'ER_DUP_ENTRY' ||
      errno === 1062 ||
      (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT_UNIQUE')) ||
      code === 'SQLITE_CONSTRAINT_PRIMARYKEY',
  );
}

/** True for a foreign-key violation (the referenced row is gone) on SQLite or MySQL/MariaDB. */
export function isForeignKeyViolation(err: unknown): boolean {
  return driverErrorMatches(
    err,
    ({ code, errno }) =>
      code === 'ER_NO_REFERENCED_ROW_2' || errno === 1452 || code === 'SQLITE_CONSTRAINT_FOREIGNKEY',
  );
}
