import { createFaults } from '../../../src/sandbox/faults';

describe('fault switches', () => {
  it('apply a counted fault to the next `times` requests, and say which they applied', () => {
    const faults = createFaults();
    faults.add('PATCH incident answer', { dropResponse: true, times: 2 });
    expect([1, 2, 3].map(() => faults.consume('PATCH incident answer')?.dropResponse)).toEqual([true, true, undefined]);
    expect(faults.applied.map((a) => a.route)).toEqual(['PATCH incident answer', 'PATCH incident answer']);
  });

  it('apply a probabilistic fault when the random source says so, without limit unless `times` caps it', () => {
    const draws = [0.01, 0.5, 0.09, 0.99, 0.0];
    const faults = createFaults(() => draws.shift() ?? 1);
    faults.add('chat.update', { status: 503, probability: 0.1 });
    expect([1, 2, 3, 4, 5].map(() => faults.consume('chat.update')?.status)).toEqual([503, undefined, 503, undefined, 503]);
    expect(faults.applied).toHaveLength(3);

    const capped = createFaults(() => 0);
    capped.add('chat.update', { status: 429, probability: 0.5, times: 1 });
    expect([capped.consume('chat.update')?.status, capped.consume('chat.update')?.status]).toEqual([429, undefined]);
  });

  it('fall through to the next switch for the route when a probabilistic one does not fire', () => {
    const faults = createFaults(() => 0.9);
    faults.add('GET incident', { status: 503, probability: 0.2 });
    faults.add('GET incident', { status: 429 });
    expect(faults.consume('GET incident')?.status).toBe(429);
  });
});
