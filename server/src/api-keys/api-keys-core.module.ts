import { Module } from '@nestjs/common';
import { getRepositoryToken, TypeOrmModule } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeyStore } from './api-key-store.js';
import { SecretCipher } from './secret-cipher.js';

/** The key table, for AuthModule (token checks) and the /api/v1 surface. No HTTP here. */
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey])],
  providers: [
    {
      provide: ApiKeyStore,
      inject: [getRepositoryToken(ApiKey), APP_CONFIG],
      useFactory: (repo: Repository<ApiKey>, config: AppConfig) => {
        if (!config.jwtSecret) throw new Error('JWT secret not resolved before the app started');
        return new ApiKeyStore(repo, new SecretCipher(config.jwtSecret));
      },
    },
  ],
  exports: [ApiKeyStore],
})
export class ApiKeysCoreModule {}
