import { allocatePorts } from '../../../../src/local/cluster/ports';

describe('allocatePorts', () => {
  it('gives every listener its own port, membership ports within PostgreSQL’s smallint, and keeps fixed ones', async () => {
    const { services, ui } = await allocatePorts({ frontend: 7233, ui: 8233 });
    const all = [...Object.values(services).flatMap((p) => [p.grpc, p.membership, ...(p.http ? [p.http] : [])]), ui];
    expect(new Set(all).size).toBe(all.length);
    expect(services.frontend.grpc).toBe(7233);
    expect(ui).toBe(8233);
    for (const p of Object.values(services)) expect(p.membership).toBeLessThanOrEqual(32_767);
  });
});
