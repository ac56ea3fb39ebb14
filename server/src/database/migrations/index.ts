import type { MigrationInterface } from 'typeorm';

type MigrationClass = new () => MigrationInterface;

/** Every schema migration, oldest first. Each module appends its own here. */
export const MIGRATIONS: MigrationClass[] = [];
