import { createHash } from 'node:crypto';
import { sha256Hex } from '../../src/contracts/sha256';

describe('workflow-safe sha256Hex', () => {
  it.each(['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'é — 🚨 findings\n'.repeat(50)])('matches node:crypto for %j', (text) => {
    expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });
});
