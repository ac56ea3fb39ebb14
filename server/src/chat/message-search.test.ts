import { describe, expect, it } from 'vitest';
import { buildSnippet, searchTerms } from './message-search.js';

describe('searchTerms', () => {
  it('keeps only letters and digits, so no FTS5 or MySQL boolean syntax survives', () => {
    expect(searchTerms(`"quokka" OR 1=1; DROP TABLE messages; -- NEAR(a b) +x* ~y`)).toEqual([
      'quokka',
      'or',
      '1',
      'drop',
      'table',
      'messages',
      'near',
      'a', // capped at 8 terms
    ]);
    expect(searchTerms(`'"*()-+~<>@\\%_`)).toEqual([]);
    expect(searchTerms('Café CAFÉ straße 東京')).toEqual(['café', 'straße', '東京']);
  });

  it('caps the number and length of terms', () => {
    expect(searchTerms('a b c d e f g h i j k')).toHaveLength(8);
    expect(searchTerms('z'.repeat(500))[0]).toHaveLength(64);
  });
});

describe('buildSnippet', () => {
  it('returns short content whole and cuts long content around the first hit', () => {
    expect(buildSnippet('short quokka text', ['quokka'])).toBe('short quokka text');
    const long = `${'a'.repeat(300)} quokka ${'b'.repeat(300)}`;
    const snippet = buildSnippet(long, ['quokka']);
    expect(snippet).toContain('quokka');
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    expect(snippet.length).toBeLessThan(200);
  });
});
