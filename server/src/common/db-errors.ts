/** True for a unique-constraint violation on SQLite or MySQL/MariaDB. */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, errno, driverError } = err as { code?: unknown; errno?: unknown; driverError?: unknown };
  if (code === 'ER_DUP_ENTRY' || errno === 1062) return true;
  if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT_UNIQUE')) return true;
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
  return driverError !== undefined && driverError !== err && isUniqueViolation(driverError);
}

/** True for a foreign-key violation (the referenced row is gone) on SQLite or MySQL/MariaDB. */
export function isForeignKeyViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, errno, driverError } = err as { code?: unknown; errno?: unknown; driverError?: unknown };
  if (code === 'ER_NO_REFERENCED_ROW_2' || errno === 1452) return true;
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return true;
  return driverError !== undefined && driverError !== err && isForeignKeyViolation(driverError);
}
