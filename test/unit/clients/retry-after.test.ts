import { parseRetryAfter } from '../../../src/clients/retry-after';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  it.each([
    ['3', 3000],
    [' 0 ', 0],
    ['Wed, 25 Nov 2026 12:00:05 GMT', 5000],
    ['Wed, 25 Nov 2026 11:00:00 GMT', 0],
  ])('%j → %d ms', (header, ms) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });
  it.each([[undefined], [null], [''], ['soon'], ['-1'], ['1.5'], ['12345678901234567890x']])('%j is unreadable', (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });
});
