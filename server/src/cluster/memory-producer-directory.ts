import type { DirectoryProducer, DirectoryRef, ProducerDirectory } from './producer-directory.js';

/** A cluster of one: the directory is this process's map. */
export class MemoryProducerDirectory implements ProducerDirectory {
  readonly #rooms = new Map<number, Map<string, DirectoryProducer>>();

  add(roomId: number, entry: DirectoryProducer): Promise<void> {
    let room = this.#rooms.get(roomId);
    if (!room) this.#rooms.set(roomId, (room = new Map()));
    room.set(entry.producerId, { ...entry });
    return Promise.resolve();
  }

  setPaused(roomId: number, producerId: string, paused: boolean): Promise<void> {
    const e = this.#rooms.get(roomId)?.get(producerId);
    if (e) e.paused = paused;
    return Promise.resolve();
  }

  remove(roomId: number, producerId: string): Promise<void> {
    const room = this.#rooms.get(roomId);
    room?.delete(producerId);
    if (room && !room.size) this.#rooms.delete(roomId);
    return Promise.resolve();
  }

  list(roomId: number): Promise<DirectoryProducer[]> {
    return Promise.resolve([...(this.#rooms.get(roomId)?.values() ?? [])].map((e) => ({ ...e })));
  }

  find(roomId: number, producerId: string): Promise<DirectoryProducer | undefined> {
    const e = this.#rooms.get(roomId)?.get(producerId);
    return Promise.resolve(e ? { ...e } : undefined);
  }

  listBoot(nodeId: string, bootId: string): Promise<DirectoryRef[]> {
    const out: DirectoryRef[] = [];
    for (const [roomId, room] of this.#rooms)
      for (const [producerId, e] of room)
        if (e.nodeId === nodeId && e.bootId === bootId) out.push({ roomId, producerId });
    return Promise.resolve(out);
  }

  async removeBoot(nodeId: string, bootId: string): Promise<DirectoryRef[]> {
    const out = await this.listBoot(nodeId, bootId);
    for (const { roomId, producerId } of out) await this.remove(roomId, producerId);
    return out;
  }
}
