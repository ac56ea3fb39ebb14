import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { DependencyState } from './dependency-state.js';

/**
 * REST requests answer within the dependency deadline when the database or Redis hangs (see
 * DependencyState.withinDeadline); the HTTP filter turns the refusal into 503 + Retry-After.
 * Socket requests get the same through AckResponder.
 */
@Injectable()
export class DependencyDeadlineInterceptor implements NestInterceptor {
  constructor(@Inject(DependencyState) private readonly dependencies: DependencyState) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    return from(this.dependencies.withinDeadline(lastValueFrom(next.handle(), { defaultValue: undefined })));
  }
}
