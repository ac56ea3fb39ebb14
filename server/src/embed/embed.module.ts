import { Module } from '@nestjs/common';
import { EmbedConfigController } from './embed-config.controller.js';

/** Embedding the call page in other sites (issue 20 item 6); the framing headers are in http-hardening. */
@Module({ controllers: [EmbedConfigController] })
export class EmbedModule {}
