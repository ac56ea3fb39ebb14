import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { buildDataSourceOptions } from './data-source-options.js';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...buildDataSourceOptions(config.database),
        autoLoadEntities: true,
        // Fail fast at start instead of retrying for minutes with a bad DATABASE_URL.
        retryAttempts: 1,
        retryDelay: 500,
      }),
      // Name the database in the start-up failure main.ts prints ("connect ECONNREFUSED" alone is a riddle).
      dataSourceFactory: async (options?: DataSourceOptions) => {
        const dataSource = new DataSource(options!);
        try {
          return await dataSource.initialize();
        } catch (err) {
          throw new Error(`database ${describeTarget(options!)}: ${errorMessage(err)}`, { cause: err });
        }
      },
    }),
  ],
})
export class DatabaseModule {}

/** "mysql://host:port/db" or "sqlite:path", never with credentials. */
function describeTarget(options: DataSourceOptions): string {
  if (options.type === 'mysql' && options.url) {
    try {
      const url = new URL(options.url);
      return `mysql://${url.host}${url.pathname}`;
    } catch {
      return 'mysql';
    }
  }
  return `${options.type === 'better-sqlite3' ? 'sqlite' : options.type}:${String(options.database)}`;
}

/** Node reports a refused dual-stack connect as an AggregateError with an empty message. */
function errorMessage(err: unknown): string {
  if (err instanceof AggregateError && !err.message && err.errors.length > 0) {
    return errorMessage(err.errors[0]);
  }
  return err instanceof Error && err.message ? err.message : String(err);
}
