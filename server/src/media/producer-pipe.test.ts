import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { PipeCache } from './producer-pipe.js';

/** Stands for a pipe producer or consumer: closes once, telling its observer. */
class FakePipeObject {
  readonly observer = new EventEmitter();
  closed = false;
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.observer.emit('close');
  }
}

describe('PipeCache', () => {
  it('concurrent callers share one creation; a live object is reused', async () => {
    const cache = new PipeCache<FakePipeObject>();
    let made = 0;
    const make = async () => (made++, new FakePipeObject());
    const [a, b] = await Promise.all([cache.get('k', make), cache.get('k', make)]);
    expect(a).toBe(b);
    expect(await cache.get('k', make)).toBe(a);
    expect(made).toBe(1);
    expect(cache.live('k')).toBe(a);
    expect(cache.size).toBe(1);
  });

  it('forgets an object when it closes and a creation when it fails', async () => {
    const cache = new PipeCache<FakePipeObject>();
    const first = await cache.get('k', async () => new FakePipeObject());
    first.close();
    expect(cache.live('k')).toBeUndefined();
    expect(cache.size).toBe(0);
    await expect(cache.get('x', () => Promise.reject(new Error('no router')))).rejects.toThrow('no router');
    const again = await cache.get('x', async () => new FakePipeObject());
    expect(again.closed).toBe(false);
  });

  it('close() closes what was made and what is still being made', async () => {
    const cache = new PipeCache<FakePipeObject>();
    const made = await cache.get('a', async () => new FakePipeObject());
    let finish!: (o: FakePipeObject) => void;
    const pending = cache.get('b', () => new Promise<FakePipeObject>((resolve) => (finish = resolve)));
    cache.close();
    expect(made.closed).toBe(true);
    const late = new FakePipeObject();
    finish(late);
    await pending;
    await new Promise((resolve) => setImmediate(resolve));
    expect(late.closed).toBe(true);
    expect(cache.size).toBe(0);
  });
});
