import {
  CreateRoomRequest,
  ErrorCode,
  LoginRequest,
  RegisterRequest,
  ROOM_DEFAULT_PARTICIPANTS,
  ROOM_MAX_PARTICIPANTS_CEILING,
  ROOM_MIN_PARTICIPANTS,
  type ApiErrorBody,
  type RoomLimitsDto,
  type HealthResponse,
  type UserDto,
} from '@minimeet/shared';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminStats } from './admin-stats.js';
import type { Directory } from './directory.js';
import { BaselineError, httpStatusOf, parsePayload } from './errors.js';
import type { BaselineMedia } from './media.js';

const BODY_LIMIT = 64 * 1024;

/** The REST routes the bots use: auth, rooms, health and the admin stats snapshot. */
export function httpHandler(directory: Directory, media: BaselineMedia, stats: AdminStats) {
  const routes: Record<string, (req: IncomingMessage) => Promise<[number, unknown]>> = {
    'POST /api/auth/register': async (req) => {
      const { username, password } = await parsePayload(RegisterRequest, await readJson(req));
      return [201, directory.register(username, password)];
    },
    'POST /api/auth/login': async (req) => {
      const { username, password } = await parsePayload(LoginRequest, await readJson(req));
      return [200, directory.login(username, password)];
    },
    'GET /api/rooms': async (req) => {
      requireUser(directory, req);
      return [200, directory.listRooms()];
    },
    'GET /api/rooms/limits': async (req) => {
      requireUser(directory, req);
      // No configured cap here: whatever the wire contract accepts.
      const limits: RoomLimitsDto = {
        minParticipants: ROOM_MIN_PARTICIPANTS,
        maxParticipants: ROOM_MAX_PARTICIPANTS_CEILING,
        defaultParticipants: ROOM_DEFAULT_PARTICIPANTS,
      };
      return [200, limits];
    },
    'POST /api/rooms': async (req) => {
      const user = requireUser(directory, req);
      const body = await parsePayload(CreateRoomRequest, await readJson(req));
      return [201, directory.createRoom(user, body.name, body.maxParticipants)];
    },
    'GET /api/health': async () => {
      const workers = await Promise.all(
        media.workers.map(async ({ worker }) => {
          const u = await worker.getResourceUsage();
          return { pid: worker.pid, alive: !worker.died && !worker.closed, cpuMs: u.ru_utime + u.ru_stime };
        }),
      );
      const health: HealthResponse = { status: 'ok', db: 'ok', workers };
      return [200, health];
    },
    'GET /api/admin/stats': async (req) => {
      requireUser(directory, req);
      return [200, await stats.latest()];
    },
  };

  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = routes[`${req.method} ${path}`];
    const work = route
      ? route(req)
      : Promise.reject(new BaselineError(ErrorCode.NOT_FOUND, `No route ${req.method} ${path}`));
    work.then(
      ([status, body]) => send(res, status, body),
      (err: unknown) => {
        const error =
          err instanceof BaselineError ? err : new BaselineError(ErrorCode.INTERNAL, 'Internal server error');
        if (!(err instanceof BaselineError)) console.error('[baseline] http handler failed:', err);
        const status = httpStatusOf(error.code);
        const body: ApiErrorBody = { statusCode: status, error: error.toWire() };
        send(res, status, body);
      },
    );
  };
}

function requireUser(directory: Directory, req: IncomingMessage): UserDto {
  const header = req.headers.authorization ?? '';
  const user = directory.userOf(header.startsWith('Bearer ') ? header.slice(7) : undefined);
  if (!user) throw new BaselineError(ErrorCode.UNAUTHORIZED, 'Missing or unknown token');
  return user;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) throw new BaselineError(ErrorCode.VALIDATION, 'Body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
  } catch {
    throw new BaselineError(ErrorCode.VALIDATION, 'Body is not JSON');
  }
}
