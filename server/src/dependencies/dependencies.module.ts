import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DependencyDeadlineInterceptor } from './dependency-deadline.interceptor.js';
import { DependencyState } from './dependency-state.js';

/**
 * The database / Redis up-or-down state, one per app, for every module that answers requests,
 * and the REST answer deadline while one of them hangs.
 */
@Global()
@Module({
  providers: [DependencyState, { provide: APP_INTERCEPTOR, useClass: DependencyDeadlineInterceptor }],
  exports: [DependencyState],
})
export class DependenciesModule {}
