import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysCoreModule } from '../api-keys/api-keys-core.module.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { UsersModule } from '../users/users.module.js';
import { AdminGuard } from './admin.guard.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { RefreshToken } from './refresh-token.entity.js';
import { RefreshTokensService } from './refresh-tokens.service.js';

@Module({
  imports: [
    UsersModule,
    ApiKeysCoreModule,
    TypeOrmModule.forFeature([RefreshToken]),
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        // main.ts fills it in (JWT_SECRET or the generated one) before the app is created.
        if (!config.jwtSecret) throw new Error('JWT secret not resolved before the app started');
        return { secret: config.jwtSecret };
      },
    }),
    // Only AuthController applies ThrottlerGuard: these limits guard password guessing.
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ name: 'auth', ttl: 60_000, limit: config.rateLimits.authPerMinute }],
        errorMessage: 'Too many requests, try again later',
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, RefreshTokensService, JwtAuthGuard, AdminGuard],
  exports: [AuthService, JwtAuthGuard, AdminGuard, UsersModule, ApiKeysCoreModule],
})
export class AuthModule {}
