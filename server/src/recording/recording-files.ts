import { mkdir, readFile, readdir, rename, rm, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RecordingManifest } from './recording-manifest.js';

/**
 * A node's recordings on its own disk: `<dir>/<id>/tracks/*` (the segments being written),
 * `<dir>/<id>/manifest.json` (rewritten as the capture goes, atomically) and, after stop,
 * the composite. Removed once everything is in storage.
 */
export class RecordingFiles {
  constructor(readonly root: string) {}

  dirOf(id: number): string {
    return path.join(this.root, String(id));
  }

  async create(id: number): Promise<string> {
    const dir = this.dirOf(id);
    await mkdir(path.join(dir, 'tracks'), { recursive: true });
    return dir;
  }

  /** Written to a temporary name and renamed: a reader (or a crash) never sees half a manifest. */
  async writeManifest(manifest: RecordingManifest): Promise<void> {
    const file = path.join(this.dirOf(manifest.recordingId), 'manifest.json');
    const tmp = `${file}.tmp`;
    await writeFile(tmp, JSON.stringify(manifest, null, 2));
    await rename(tmp, file);
  }

  async readManifest(id: number): Promise<RecordingManifest | null> {
    try {
      return JSON.parse(await readFile(path.join(this.dirOf(id), 'manifest.json'), 'utf8')) as RecordingManifest;
    } catch {
      return null;
    }
  }

  /** Ids of the recordings that have a directory here (left by a capture, finished or not). */
  async localIds(): Promise<number[]> {
    try {
      const names = await readdir(this.root);
      return names.filter((n) => /^\d+$/.test(n)).map(Number);
    } catch {
      return [];
    }
  }

  async remove(id: number): Promise<void> {
    await rm(this.dirOf(id), { recursive: true, force: true });
  }

  /** Free bytes for an unprivileged writer on the recordings' disk. */
  async freeBytes(): Promise<number> {
    await mkdir(this.root, { recursive: true });
    const stats = await statfs(this.root);
    return stats.bavail * stats.bsize;
  }
}
