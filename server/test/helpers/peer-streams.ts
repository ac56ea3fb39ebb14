import type { MiniMeetPeer } from '@minimeet/webrtc-peer';

/** For every peer, the open stream of each producer of every other peer (undefined: missing). */
export function remoteStreams(list: MiniMeetPeer[]) {
  return list.flatMap((p) =>
    list
      .filter((q) => q !== p)
      .flatMap((q) =>
        [...q.producers.values()].map((producer) => ({
          receiver: p,
          producerId: producer.id,
          kind: producer.kind,
          stream: p.openStreams().find((s) => s.producerId === producer.id),
        })),
      ),
  );
}

/** Every peer has a stream with packets since `since` for every producer of every other peer. */
export function allReceiving(list: MiniMeetPeer[], since = 0): boolean {
  return remoteStreams(list).every((r) => r.stream && r.stream.packets > 0 && r.stream.lastPacketAt >= since);
}

/** Counts a room of `list` should hold: each peer consumes every producer of the others. */
export function expectedCounts(list: MiniMeetPeer[]) {
  const producers = list.reduce((n, p) => n + p.producers.size, 0);
  return {
    peers: list.length,
    transports: list.length * 2,
    producers,
    consumers: list.reduce((n, p) => n + producers - p.producers.size, 0),
  };
}
