import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.schema.js';

describe('caps, rate limits and TRUST_PROXY', () => {
  it('have defaults a real client stays under', () => {
    const config = loadConfig({});
    expect(config.rateLimits).toMatchObject({
      restPerMinute: 600,
      socketEventsPerSecond: 50,
      socketEventBurst: 200,
      socketUserEventsPerSecond: 100,
    });
    expect(config.connectionCaps).toEqual({ socketsPerUser: 10, socketsPerIp: 50, handshakesPerMinute: 120 });
    expect(config.media).toMatchObject({
      maxIncomingBitrate: 5_000_000,
      maxSocketsPerUserRoom: 3,
      routerSpillLoad: 400,
    });
    expect(config.trustProxy).toBe(0);
    expect(config.roomCaps.maxParticipantsLimit).toBe(200);
    expect(config.roomCaps.webinarMaxAttendees).toBe(1000);
    expect(config.participantsSignaling).toEqual({ pageSize: 100, deltaFlushMs: 100 });
  });

  it('accept valid values', () => {
    const config = loadConfig({
      REST_RATE_LIMIT: '100',
      SOCKET_EVENTS_PER_SECOND: '5',
      SOCKET_EVENT_BURST: '10',
      MEDIA_MAX_INCOMING_BITRATE: '1500000',
      MAX_SOCKETS_PER_USER_ROOM: '1',
      MEDIA_ROUTER_SPILL_LOAD: '1',
      TRUST_PROXY: '2',
      ROOM_MAX_PARTICIPANTS_LIMIT: '1000',
      PARTICIPANTS_PAGE_SIZE: '25',
      PARTICIPANTS_DELTA_FLUSH_MS: '0',
    });
    expect(config.roomCaps.maxParticipantsLimit).toBe(1000);
    expect(config.participantsSignaling).toEqual({ pageSize: 25, deltaFlushMs: 0 });
    expect(config.rateLimits).toMatchObject({
      restPerMinute: 100,
      socketEventsPerSecond: 5,
      socketEventBurst: 10,
    });
    expect(config.media).toMatchObject({
      maxIncomingBitrate: 1_500_000,
      maxSocketsPerUserRoom: 1,
      routerSpillLoad: 1,
    });
    expect(config.trustProxy).toBe(2);
  });

  it.each([
    [{ REST_RATE_LIMIT: '0' }, /^REST_RATE_LIMIT: .*at least 1/],
    [{ SOCKET_EVENTS_PER_SECOND: 'fast' }, /^SOCKET_EVENTS_PER_SECOND: .*number/],
    [{ SOCKET_EVENT_BURST: '0' }, /^SOCKET_EVENT_BURST: .*between 1 and 100000/],
    [{ MEDIA_MAX_INCOMING_BITRATE: '1000' }, /^MEDIA_MAX_INCOMING_BITRATE: .*between 100000 and 100000000/],
    [{ MAX_SOCKETS_PER_USER_ROOM: '0' }, /^MAX_SOCKETS_PER_USER_ROOM: .*between 1 and 100/],
    [{ MEDIA_ROUTER_SPILL_LOAD: '0' }, /^MEDIA_ROUTER_SPILL_LOAD: .*between 1 and 1000000/],
    [{ MEDIA_ROUTER_SPILL_LOAD: 'lots' }, /^MEDIA_ROUTER_SPILL_LOAD: .*number/],
    [{ MAX_SOCKETS_PER_USER: '0' }, /^MAX_SOCKETS_PER_USER: .*between 1 and 10000/],
    [{ MAX_SOCKETS_PER_IP: 'many' }, /^MAX_SOCKETS_PER_IP: .*number/],
    [{ SOCKET_HANDSHAKES_PER_MINUTE: '0' }, /^SOCKET_HANDSHAKES_PER_MINUTE: .*between 1 and 1000000/],
    [{ SOCKET_USER_EVENTS_PER_SECOND: '1.5' }, /^SOCKET_USER_EVENTS_PER_SECOND: .*integer/],
    [{ TRUST_PROXY: 'true' }, /^TRUST_PROXY: .*number/],
    [{ TRUST_PROXY: '-1' }, /^TRUST_PROXY: .*between 0 and 10/],
    [{ ROOM_MAX_PARTICIPANTS_LIMIT: '1' }, /^ROOM_MAX_PARTICIPANTS_LIMIT: .*between 2 and 10000/],
    [{ ROOM_MAX_PARTICIPANTS_LIMIT: '20000' }, /^ROOM_MAX_PARTICIPANTS_LIMIT: .*between 2 and 10000/],
    [{ WEBINAR_MAX_ATTENDEES: '-1' }, /^WEBINAR_MAX_ATTENDEES: .*between 0 and 100000/],
    [{ PARTICIPANTS_PAGE_SIZE: '501' }, /^PARTICIPANTS_PAGE_SIZE: .*between 1 and 500/],
    [{ PARTICIPANTS_DELTA_FLUSH_MS: 'soon' }, /^PARTICIPANTS_DELTA_FLUSH_MS: .*number/],
  ])('refuse %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
