import { describe, expect, it } from 'vitest';
import { desiredVideoReception, gridLayout, spatialLayerFor } from './layout';

describe('gridLayout', () => {
  it('fits 1–16 tiles in a desktop stage without overflow', () => {
    const W = 1200;
    const H = 640;
    for (let n = 1; n <= 16; n++) {
      const l = gridLayout(n, W, H, 8);
      expect(l.cols * l.rows).toBeGreaterThanOrEqual(n);
      expect(l.cols * l.tileWidth + (l.cols - 1) * 8).toBeLessThanOrEqual(W);
      expect(l.rows * l.tileHeight + (l.rows - 1) * 8).toBeLessThanOrEqual(H);
      expect(l.tileWidth).toBeGreaterThan(0);
      expect(l.stacked).toBe(false);
    }
  });

  it('chooses sensible shapes', () => {
    expect(gridLayout(1, 1200, 640).cols).toBe(1);
    expect(gridLayout(2, 1200, 640).cols).toBe(2);
    expect(gridLayout(4, 1200, 640).cols).toBe(2);
    expect(gridLayout(9, 1200, 675).cols).toBe(3);
    expect(gridLayout(16, 1200, 675).cols).toBe(4);
  });

  it('stacks into one column on a phone', () => {
    const l = gridLayout(4, 374, 600);
    expect(l).toMatchObject({ cols: 1, rows: 4, stacked: true, tileWidth: 374 });
  });

  it('survives an unmeasured container', () => {
    expect(gridLayout(3, 0, 0).cols).toBe(1);
  });
});

describe('simulcast layer choice', () => {
  it('maps tile width to the smallest sufficient layer', () => {
    expect(spatialLayerFor(200)).toBe(0);
    expect(spatialLayerFor(360)).toBe(0); // within 15 % of the 320 layer
    expect(spatialLayerFor(400)).toBe(1);
    expect(spatialLayerFor(600)).toBe(1);
    expect(spatialLayerFor(900)).toBe(2);
    expect(spatialLayerFor(300, 2)).toBe(1);
  });

  it('pauses hidden tiles', () => {
    expect(desiredVideoReception({ visible: false, width: 800, height: 450 })).toEqual({ paused: true, spatialLayer: 0 });
    expect(desiredVideoReception({ visible: true, width: 1000, height: 560 })).toEqual({ paused: false, spatialLayer: 2 });
    expect(desiredVideoReception(undefined).paused).toBe(false);
  });
});
