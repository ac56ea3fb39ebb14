/**
 * `--phases network`: one call between a sending Chromium on a clean link and a receiving
 * Chromium on a test host, the server on a second test host. For each condition the receiver's
 * link is impaired for a while and then restored; meanwhile its page measures frozen time on the
 * sender's camera and the server's admin stats are polled for the camera consumer's spatial layer,
 * its bitrate and the recv transport's bandwidth estimate. Figures only, no verdict.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AdminPeerStats, AdminStatsSnapshot, AuthResponse, RoomDto } from '@minimeet/shared';
import type { Browser } from 'playwright-core';
import {
  CHROMIUM_PATH,
  launchBrowser,
  openSignedInPage,
  waitForCameraPlaying,
  type UserPage,
} from '@minimeet/test-hosts/chromium-pages';
import { fakeCameraClip } from '@minimeet/test-hosts/fake-camera';
import {
  cameraVideo,
  inboundDelta,
  inboundRtp,
  measureFrozen,
} from '@minimeet/test-hosts/page-media';
import { trackPeerConnections } from '@minimeet/test-hosts/peer-connections';
import { TestNetwork, testHostsUnavailable, type TestHost } from '@minimeet/test-hosts';
import { authenticate, REPO_ROOT } from '@minimeet/test-harness';
import { startServer, type BenchServer } from '../servers.js';
import {
  applyImpairment,
  liftImpairments,
  NETWORK_CONDITIONS,
  netemNote,
  type NetworkCondition,
} from './conditions.js';
import { assembleNetworkReport, type ConditionRun, type LayerSample, type NetworkReport } from './network-report.js';

export interface NetworkPlan {
  quick: boolean;
  /** How long each condition is applied. */
  impairSec: number;
  /** How long after lifting it the run waits, at most, for the layer to come back. */
  recoverWindowSec: number;
  /** Before each condition: how long to wait, at most, for the top layer on a clean link. */
  settleSec: number;
  /** Admin stats poll (and the server's stats interval). */
  sampleMs: number;
}

export function networkPlan(quick: boolean): NetworkPlan {
  return quick
    ? { quick, impairSec: 10, recoverWindowSec: 25, settleSec: 20, sampleMs: 500 }
    : { quick, impairSec: 30, recoverWindowSec: 45, settleSec: 30, sampleMs: 250 };
}

export type NetworkPhaseResult =
  | ({ skipped: null; plan: NetworkPlan; netem: boolean } & NetworkReport)
  | { skipped: string; plan: NetworkPlan };

const CLIENT_INDEX = path.join(REPO_ROOT, 'client', 'dist', 'index.html');
const PASSWORD = 'bench-network-password';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function networkPhase(plan: NetworkPlan, log: (line: string) => void): Promise<NetworkPhaseResult> {
  const unavailable = testHostsUnavailable(['nft', 'tc']);
  if (unavailable) {
    log(`network: SKIPPED — ${unavailable}`);
    return { skipped: unavailable, plan };
  }
  if (!existsSync(CLIENT_INDEX)) {
    throw new Error(`${CLIENT_INDEX} not found: build the client first (npm run build)`);
  }
  const net = await TestNetwork.create(['srv', 'rx']);
  const browsers: Browser[] = [];
  let server: BenchServer | undefined;
  try {
    const rx = net.host('rx');
    const { netem, note } = await netemNote(rx);
    log(`network: ${note}`);
    server = await startServer({
      kind: 'minimeet',
      cpus: null,
      workers: 1,
      statsIntervalMs: Math.min(plan.sampleMs, 500),
      host: net.host('srv'),
      env: { CLIENT_DIST_DIR: path.join(REPO_ROOT, 'client', 'dist') },
    });
    const cameraClip = fakeCameraClip({ grain: true });
    const [sendBrowser, recvBrowser] = await Promise.all([
      launchBrowser({ secureOrigin: server.url, cameraClip }),
      launchBrowser({ secureOrigin: server.url, cameraClip, executablePath: rx.executableFor(CHROMIUM_PATH) }),
    ]);
    browsers.push(sendBrowser, recvBrowser);
    const call = await joinCall(server, sendBrowser, recvBrowser);
    log(`network: call up (sender ${call.sender.user.user.username} → receiver on test host ${rx.address})`);
    const probe = layerProbe(server, call.receiver.user.user.id);
    const topLayer = await settle(probe, null, plan.settleSec * 1000);
    log(`network: clean link forwards layer ${topLayer ?? 'none'} to the receiver`);

    const runs: ConditionRun[] = [];
    for (const condition of NETWORK_CONDITIONS) {
      await settle(probe, topLayer, plan.settleSec * 1000);
      log(`network: ${condition.name} for ${plan.impairSec} s`);
      runs.push(await runCondition(plan, condition, rx, call, probe));
    }
    const notes = [
      note,
      'loss drops a share of all UDP packets of the receiver, both directions; caps limit its downlink (tc tbf, ~100 ms queue)',
      `each condition ${plan.impairSec} s, recovery watched for up to ${plan.recoverWindowSec} s; frozen = no new frame for > 500 ms`,
    ];
    return { skipped: null, plan, netem, ...assembleNetworkReport(runs, notes) };
  } finally {
    await Promise.all(browsers.map((b) => b.close().catch(() => undefined)));
    await server?.stop();
    await net.destroy();
  }
}

interface Call {
  sender: UserPage;
  receiver: UserPage;
}

async function joinCall(server: BenchServer, sendBrowser: Browser, recvBrowser: Browser): Promise<Call> {
  const tag = Math.random().toString(36).slice(2, 8);
  const [sendUser, recvUser] = await Promise.all([
    authenticate(server.url, `netsend_${tag}`, PASSWORD),
    authenticate(server.url, `netrecv_${tag}`, PASSWORD),
  ]);
  const room = await createRoom(server.url, sendUser, `network bench ${tag}`);
  const open = (browser: Browser, user: AuthResponse) =>
    openSignedInPage(browser, server.url, user, {
      path: `/rooms/${room.id}`,
      initScripts: [trackPeerConnections],
    });
  const sender = await open(sendBrowser, sendUser);
  const receiver = await open(recvBrowser, recvUser);
  await Promise.all([
    waitForCameraPlaying(receiver.page, sendUser.user.username, 'receiver', 60_000),
    waitForCameraPlaying(sender.page, recvUser.user.username, 'sender', 60_000),
  ]);
  return { sender, receiver };
}

async function createRoom(url: string, owner: AuthResponse, name: string): Promise<RoomDto> {
  const res = await fetch(`${url}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.accessToken}` },
    body: JSON.stringify({ name, maxParticipants: 4 }),
  });
  if (!res.ok) throw new Error(`POST /api/rooms → ${res.status} ${await res.text()}`);
  return (await res.json()) as RoomDto;
}

type LayerProbe = () => Promise<Omit<LayerSample, 't'>>;

/** Reads the receiver's camera consumer and recv transport from GET /api/admin/stats. */
function layerProbe(server: BenchServer, userId: number): LayerProbe {
  return async () => {
    const res = await fetch(`${server.url}/api/admin/stats`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`GET /api/admin/stats → ${res.status}`);
    const snapshot = (await res.json()) as AdminStatsSnapshot;
    const peer: AdminPeerStats | undefined = snapshot.rooms
      .flatMap((r) => r.peers)
      .find((p) => p.userId === userId);
    const consumer = peer?.consumers.find((c) => c.kind === 'video');
    const recv = peer?.transportStats?.find((t) => t.direction === 'recv');
    const kbps = (bps: number | null | undefined) => (typeof bps === 'number' ? bps / 1000 : null);
    return {
      layer: consumer?.spatialLayer ?? null,
      bitrateKbps: kbps(consumer?.bitrate),
      estimateKbps: kbps(recv?.availableOutgoingBitrate),
    };
  };
}

/**
 * Waits until the layer is `layer` (null: until it stops rising for a few seconds) or `maxMs`
 * passes; returns the layer then.
 */
async function settle(probe: LayerProbe, layer: number | null, maxMs: number): Promise<number | null> {
  const deadline = Date.now() + maxMs;
  let current = (await probe()).layer;
  let best = current;
  let bestSince = Date.now();
  while (Date.now() < deadline) {
    if (layer !== null && current === layer) return current;
    if (layer === null && current !== null && Date.now() - bestSince > 5000) return best;
    await sleep(500);
    current = (await probe()).layer;
    if (current !== null && (best === null || current > best)) {
      best = current;
      bestSince = Date.now();
    }
  }
  return layer === null ? best : current;
}

async function runCondition(
  plan: NetworkPlan,
  condition: NetworkCondition,
  rx: TestHost,
  call: Call,
  probe: LayerProbe,
): Promise<ConditionRun> {
  const page = call.receiver.page;
  const sel = cameraVideo(call.sender.user.user.username);
  const startLayer = (await probe()).layer;
  const before = await page.evaluate(inboundRtp, 'video');
  const samples: LayerSample[] = [];
  await applyImpairment(rx, condition.impairment);
  const t0 = Date.now();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const at = Date.now() - t0;
      // A failed poll is a missing sample, not a failed run.
      const sample = await probe().catch(() => null);
      if (sample) samples.push({ t: at, ...sample });
      await sleep(Math.max(0, plan.sampleMs - (Date.now() - t0 - at)));
    }
  })();
  let liftedAtMs: number;
  let frozen;
  let after;
  try {
    frozen = await page.evaluate(measureFrozen, { sel, ms: plan.impairSec * 1000 });
    after = await page.evaluate(inboundRtp, 'video');
  } finally {
    await liftImpairments(rx);
    liftedAtMs = Date.now() - t0;
  }
  // Watch the recovery until the start layer is back (or the window ends); when the layer never
  // left it, a short look is enough.
  const impairedLayers = samples.map((s) => s.layer);
  const left = impairedLayers.some((l) => l !== startLayer);
  const windowMs = left ? plan.recoverWindowSec * 1000 : 2000;
  while (Date.now() - t0 - liftedAtMs < windowMs) {
    await sleep(plan.sampleMs);
    const last = samples.at(-1);
    if (left && last && last.t >= liftedAtMs && last.layer === startLayer) break;
  }
  sampling = false;
  await sampler;
  return {
    condition,
    startLayer,
    liftedAtMs,
    recoverWindowMs: windowMs,
    samples,
    frozen,
    video: inboundDelta(before, after),
  };
}
