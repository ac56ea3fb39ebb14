import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { createRootLogger } from './logger.js';

/** Injection token for the root pino logger; take `.child({ context })` from it. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/** One root logger per app instance, configured from AppConfig. */
@Global()
@Module({
  providers: [
    {
      provide: ROOT_LOGGER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createRootLogger(config.logLevel, config.logFormat),
    },
  ],
  exports: [ROOT_LOGGER],
})
export class LoggerModule {}
