import type { AdminNodeStats } from '@minimeet/shared';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { NodesTable } from './NodesTable';

const node = (id: string, extra: Partial<AdminNodeStats> = {}): AdminNodeStats => ({
  id,
  pipeAddress: '10.0.0.1',
  alive: true,
  compatible: true,
  protocolVersion: '1.1',
  self: false,
  load: 3,
  rooms: 1,
  startedAt: '2026-03-02T09:00:00.000Z',
  ...extra,
});

describe('NodesTable', () => {
  afterEach(cleanup);

  it('shows a draining node as such, the others as alive', () => {
    render(
      <NodesTable
        nodes={[node('a', { self: true }), node('b', { draining: true, publicUrl: 'http://b:3000' })]}
        now={Date.parse('2026-03-02T10:00:00.000Z')}
      />,
    );
    const rowOf = (id: string) => screen.getByRole('rowheader', { name: new RegExp(`^${id}`) }).closest('tr')!;
    expect(within(rowOf('b')).getByText('Draining')).toBeTruthy();
    expect(within(rowOf('a')).queryByText('Draining')).toBeNull();
    expect(within(rowOf('a')).getByText(/^Alive, up/)).toBeTruthy();
  });
});
