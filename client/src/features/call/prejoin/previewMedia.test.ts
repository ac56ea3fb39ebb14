import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installFakeMediaDevices, uninstallFakeMediaDevices, type FakeDevices } from '../../../test/fakeMediaDevices';
import { DEFAULT_MEDIA_CHOICES, loadMediaChoices, saveMediaChoices } from './mediaChoices';
import { createPreviewMedia } from './previewMedia';

describe('pre-join preview media', () => {
  let devices: FakeDevices;
  beforeEach(() => {
    devices = installFakeMediaDevices();
  });
  afterEach(() => uninstallFakeMediaDevices());

  it('starts mic and camera on by default and hands the live tracks over as they are', async () => {
    const media = createPreviewMedia();
    await media.getState().start();
    const s = media.getState();
    expect([s.micOn, s.cameraOn, s.error]).toEqual([true, true, null]);
    expect(s.micTrack?.enabled).toBe(true);
    const prepared = await s.handOver();
    expect(prepared).toMatchObject({ micOn: true, cameraOn: true });
    expect(prepared.micTrack).toBe(s.micTrack);
    expect(prepared.cameraTrack).toBe(s.cameraTrack);
    // Handed over: the preview lets go and stops nothing.
    expect(media.getState().micTrack).toBeNull();
    media.getState().release();
    expect(devices.tracks.map((t) => t.readyState)).toEqual(['live', 'live']);
  });

  it('camera off releases it, mic off disables its track; the call gets exactly that, and it is remembered', async () => {
    const media = createPreviewMedia();
    await media.getState().start();
    const camera = devices.tracks.find((t) => t.kind === 'video')!;
    await media.getState().toggleCamera();
    expect(camera.readyState).toBe('ended');
    expect(media.getState().cameraTrack).toBeNull();
    await media.getState().toggleMic();
    const prepared = await media.getState().handOver();
    expect(prepared).toMatchObject({ micOn: false, cameraOn: false, cameraTrack: null });
    expect(prepared.micTrack?.enabled).toBe(false);
    expect(loadMediaChoices()).toMatchObject({ micOn: false, cameraOn: false });

    // The next visit starts from it: no camera asked for, the mic captured but off.
    devices.calls.length = 0;
    const next = createPreviewMedia();
    await next.getState().start();
    expect(devices.calls[0]).toMatchObject({ video: false });
    expect(next.getState()).toMatchObject({ micOn: false, cameraOn: false, cameraTrack: null });
    expect(next.getState().micTrack?.enabled).toBe(false);
    // Turning the camera on captures it then.
    await next.getState().toggleCamera();
    expect(next.getState().cameraTrack?.readyState).toBe('live');
  });

  it('switching devices replaces the track, stops the old one and remembers the choice', async () => {
    const media = createPreviewMedia();
    await media.getState().start();
    const [oldMic, oldCam] = [media.getState().micTrack, media.getState().cameraTrack];
    await media.getState().selectDevice('camera', 'cam-2');
    await media.getState().selectDevice('mic', 'mic-2');
    await media.getState().selectDevice('speaker', 'spk-9');
    expect(oldCam?.readyState).toBe('ended');
    expect(oldMic?.readyState).toBe('ended');
    expect(media.getState().cameraTrack?.getSettings().deviceId).toBe('cam-2');
    expect(media.getState().micTrack?.getSettings().deviceId).toBe('mic-2');
    expect(loadMediaChoices()).toMatchObject({ cameraDeviceId: 'cam-2', micDeviceId: 'mic-2', speakerDeviceId: 'spk-9' });
    expect(await media.getState().handOver()).toMatchObject({ cameraDeviceId: 'cam-2', micDeviceId: 'mic-2', speakerDeviceId: 'spk-9' });
  });

  it('a remembered device that is gone falls back to the default one', async () => {
    saveMediaChoices({ cameraDeviceId: 'cam-unplugged' });
    const media = createPreviewMedia();
    await media.getState().start();
    expect(media.getState().error).toBeNull();
    expect(media.getState().cameraTrack?.getSettings().deviceId).toBe('cam-1');
  });

  it('denied permission: a readable reason, nothing on, and joining without media still works; the choice is kept', async () => {
    devices.failWith = 'NotAllowedError';
    const media = createPreviewMedia();
    await media.getState().start();
    const s = media.getState();
    expect(s.error).toMatch(/blocked/);
    expect([s.micOn, s.cameraOn, s.micTrack, s.cameraTrack]).toEqual([false, false, null, null]);
    expect(await s.handOver()).toMatchObject({ micTrack: null, cameraTrack: null, micOn: false, cameraOn: false });
    // What failed is not what the user chose: next time mic and camera are tried again.
    expect(loadMediaChoices()).toEqual(DEFAULT_MEDIA_CHOICES);
  });

  it('Join waits for a capture under way; leaving before it ends stops what it brings', async () => {
    devices.hold = true;
    const media = createPreviewMedia();
    void media.getState().start();
    let handed = false;
    const prepared = media
      .getState()
      .handOver()
      .then((p) => ((handed = true), p));
    await Promise.resolve();
    expect(handed).toBe(false);
    devices.letGo();
    expect((await prepared).cameraTrack?.readyState).toBe('live');

    const left = createPreviewMedia();
    const starting = left.getState().start();
    left.getState().release();
    devices.letGo();
    await starting;
    expect(devices.tracks.slice(-2).map((t) => t.readyState)).toEqual(['ended', 'ended']);
    expect(left.getState().cameraTrack).toBeNull();
  });

  it('stored choices that are not what we wrote fall back to the defaults', () => {
    localStorage.setItem('minimeet.mediaChoices', '{"micOn":"yes","cameraDeviceId":42}');
    expect(loadMediaChoices()).toEqual(DEFAULT_MEDIA_CHOICES);
    localStorage.setItem('minimeet.mediaChoices', 'not json');
    expect(loadMediaChoices()).toEqual(DEFAULT_MEDIA_CHOICES);
  });
});
