import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { authEnv } from './auth.js';
import { clusterEnv } from './cluster.js';
import { dbEnv } from './db.js';
import { dependenciesEnv } from './dependencies.js';
import { embedEnv } from './embed.js';
import { httpEnv } from './http.js';
import { limitsEnv } from './limits.js';
import { lobbyEnv } from './lobby.js';
import { mediaEnv } from './media.js';
import { recordingEnv } from './recording.js';
import { redisEnv } from './redis.js';
import { shutdownEnv } from './shutdown.js';
import { storageEnv } from './storage.js';
import { turnEnv } from './turn.js';
import { webhooksEnv } from './webhooks.js';

const sections = [
  httpEnv,
  dbEnv,
  authEnv,
  redisEnv,
  mediaEnv,
  turnEnv,
  clusterEnv,
  limitsEnv,
  shutdownEnv,
  dependenciesEnv,
  storageEnv,
  webhooksEnv,
  embedEnv,
  lobbyEnv,
  recordingEnv,
];

describe('.env.example', () => {
  it('documents every variable the configuration reads', () => {
    const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
    const documented = new Set([...example.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const declared = sections.flatMap((s) => Object.keys(s.shape));
    expect(declared.filter((name) => !documented.has(name))).toEqual([]);
  });
});
