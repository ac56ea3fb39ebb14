import { afterEach, describe, expect, it } from 'vitest';
import 'reflect-metadata';
import { DataSource, IsNull } from 'typeorm';
import { CallParticipant } from '../src/calls/call-participant.entity.js';
import { CallSession } from '../src/calls/call-session.entity.js';
import { CallSessionsService } from '../src/calls/call-sessions.service.js';
import type { DatabaseConfig } from '../src/config/env.schema.js';
import { buildDataSourceOptions } from '../src/database/data-source-options.js';
import { createRootLogger } from '../src/logging/logger.js';
import { Room } from '../src/rooms/room.entity.js';
import { User } from '../src/users/user.entity.js';
import type { WebhookOutbox } from '../src/webhooks/webhook-outbox.service.js';
import { createTestDatabase, type TestDatabase } from '@minimeet/test-harness';

/** WEBHOOK_URLS unset: the outbox writes nothing. */
const NO_WEBHOOKS = { record: () => Promise.resolve() } as unknown as WebhookOutbox;

/**
 * Two server processes are two connections to one database, each with its own
 * CallSessionsService. Both see no open call for the room and both try to open one at the same
 * moment: the unique openRoomId index lets one win, the other joins the winner's session.
 * MariaDB only: a cluster needs a shared server database, and two better-sqlite3 connections in
 * one process deadlock (a busy wait is synchronous). The SQLite schema's index is checked in
 * cluster-control.test.ts.
 */
describe('one open call per room across processes (mariadb)', () => {
  const kind = 'mariadb' as const;
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
    cleanup.length = 0;
  });

  async function connect(db: TestDatabase): Promise<DataSource> {
    const config: DatabaseConfig = db.url.startsWith('sqlite:')
      ? { type: 'sqlite', path: db.url.slice('sqlite:'.length) }
      : { type: 'mysql', url: db.url };
    const ds = new DataSource({
      ...buildDataSourceOptions(config),
      entities: [User, Room, CallSession, CallParticipant],
    });
    await ds.initialize();
    cleanup.push(() => ds.destroy());
    return ds;
  }

  it('racing first joins on two processes open exactly one session, and both users are in it', async () => {
    const db = await createTestDatabase(kind);
    cleanup.push(() => db.drop());
    const one = await connect(db); // runs the migrations
    const two = await connect(db);
    const log = createRootLogger('silent');
    const services = [one, two].map(
      (ds) =>
        new CallSessionsService(ds.getRepository(CallSession), ds.getRepository(CallParticipant), log, NO_WEBHOOKS),
    );
    await one.query(
      `INSERT INTO users (username, usernameKey, passwordHash, role, createdAt) VALUES ('u1', 'u1', 'x', 'user', '2026-01-01'), ('u2', 'u2', 'x', 'user', '2026-01-01')`,
    );
    const [u1, u2] = (await one.getRepository(User).find({ order: { id: 'ASC' } })).map((u) => u.id);
    const rooms = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        one.getRepository(Room).save(one.getRepository(Room).create({ name: `r${i}`, ownerId: u1!, maxParticipants: 8, createdAt: new Date() })),
      ),
    );

    for (const room of rooms) {
      await Promise.all([services[0]!.userJoined(room.id, u1!, 1), services[1]!.userJoined(room.id, u2!, 1)]);
      const open = await one.getRepository(CallSession).find({ where: { roomId: room.id, endedAt: IsNull() } });
      expect(open).toHaveLength(1);
      const inCall = await one.getRepository(CallParticipant).find({ where: { callSessionId: open[0]!.id } });
      expect(inCall.map((p) => p.userId).sort()).toEqual([u1, u2].sort());
    }
  });
});
