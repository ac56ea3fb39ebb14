import { describe, expect, it } from 'vitest';
import { buildDataSourceOptions } from './data-source-options.js';

describe('MySQL data source options', () => {
  it('a socketPath in the URL reaches the driver (TypeORM drops URL queries)', () => {
    const options = buildDataSourceOptions({
      type: 'mysql',
      url: 'mysql://root@localhost/mm?socketPath=%2Frun%2Fmysqld%2Fmysqld.sock',
    });
    expect(options).toMatchObject({ type: 'mysql', socketPath: '/run/mysqld/mysqld.sock' });
  });

  it('a TCP URL gets no socketPath', () => {
    expect(buildDataSourceOptions({ type: 'mysql', url: 'mysql://u:p@db:3306/mm' })).not.toHaveProperty(
      'socketPath',
    );
  });
});

describe('MySQL availability options', () => {
  it('opening a connection is bounded, so an unreachable database answers within seconds', () => {
    expect(buildDataSourceOptions({ type: 'mysql', url: 'mysql://u:p@db:3306/mm' })).toMatchObject({
      connectTimeout: 3000,
    });
  });
});
