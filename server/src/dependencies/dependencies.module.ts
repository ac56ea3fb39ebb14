import { Global, Module } from '@nestjs/common';
import { DependencyState } from './dependency-state.js';

/** The database / Redis up-or-down state, one per app, for every module that answers requests. */
@Global()
@Module({
  providers: [DependencyState],
  exports: [DependencyState],
})
export class DependenciesModule {}
