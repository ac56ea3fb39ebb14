import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import {
  CallSessionsQuery,
  ChangePasswordRequest,
  CreateRoomRequest,
  DeleteAccountRequest,
  ExternalAuthRequest,
  GuestAuthRequest,
  LoginRequest,
  MessageHistoryQuery,
  RecordingDownloadQuery,
  RefreshRequest,
  RegisterRequest,
  RoomPreviewQuery,
  SearchMessagesQuery,
  UpdateRoomRequest,
  WebhookDeliveriesQuery,
} from '@minimeet/shared';
import { documentDtos } from './dto-schemas.js';

/** Serves the OpenAPI document at /api/docs (UI) and /api/docs-json. */
export function setupOpenApi(app: INestApplication): void {
  documentDtos([
    RegisterRequest,
    LoginRequest,
    RefreshRequest,
    ChangePasswordRequest,
    DeleteAccountRequest,
    ExternalAuthRequest,
    GuestAuthRequest,
    CreateRoomRequest,
    UpdateRoomRequest,
    MessageHistoryQuery,
    RoomPreviewQuery,
    RecordingDownloadQuery,
    SearchMessagesQuery,
    CallSessionsQuery,
    WebhookDeliveriesQuery,
  ]);
  const config = new DocumentBuilder()
    .setTitle('MiniMeet API')
    .setDescription(
      'REST API of MiniMeet. Errors are `{ statusCode, error: { code, message, details? } }`. ' +
        'Real-time (rooms, chat, media) is Socket.IO on the same origin; see the shared package for its contract.',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    // /api/v1: an API key, `Authorization: Basic base64(keyid:secret)`.
    .addBasicAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, config));
}
