import { RebuildSchedule } from '../src/rebuild-schedule';

function schedule(rebuild: () => Promise<unknown>) {
  return new RebuildSchedule(rebuild, { quietMs: 1_000, maxAgeMs: 60_000 }, () => undefined, 0);
}

describe('rebuild schedule', () => {
  it('does nothing while no interaction has arrived', async () => {
    const rebuild = jest.fn(async () => undefined);
    const s = schedule(rebuild);
    expect(s.tick(120_000)).toBeUndefined();
    await s.stop();
    expect(rebuild).not.toHaveBeenCalled();
  });

  it('rebuilds once the stream has been quiet, and only once per burst', async () => {
    const rebuild = jest.fn(async () => undefined);
    const s = schedule(rebuild);
    s.noteInteractions(500, 10_000);
    expect(s.tick(10_500)).toBeUndefined();
    s.noteInteractions(20, 10_800);
    expect(s.tick(11_500)).toBeUndefined();
    await s.tick(11_800);
    expect(s.tick(20_000)).toBeUndefined();
    await s.stop();
    expect(rebuild).toHaveBeenCalledTimes(1);
  });

  it('rebuilds models grown old while events never stop', async () => {
    const rebuild = jest.fn(async () => undefined);
    const s = schedule(rebuild);
    for (let t = 0; t < 60_000; t += 500) {
      s.noteInteractions(1, t);
      expect(s.tick(t)).toBeUndefined();
    }
    s.noteInteractions(1, 60_000);
    await s.tick(60_000);
    await s.stop();
    expect(rebuild).toHaveBeenCalledTimes(1);
  });

  it('ignores batches that held nothing new, and tries again after a failed rebuild', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const rebuild = jest.fn(async () => {
      if (fail) throw new Error('database away');
    });
    const s = new RebuildSchedule(
      rebuild,
      { quietMs: 1_000, maxAgeMs: 60_000 },
      (e) => errors.push(e),
      0,
    );
    s.noteInteractions(0, 1_000);
    expect(s.tick(5_000)).toBeUndefined();
    s.noteInteractions(3, 5_000);
    await s.tick(6_000);
    expect(errors).toHaveLength(1);
    fail = false;
    await s.tick(7_000);
    await s.stop();
    expect(rebuild).toHaveBeenCalledTimes(2);
  });

  it('waits twice as long after each failed rebuild in a row, and not once one works', async () => {
    let fail = true;
    const rebuild = jest.fn(async () => {
      if (fail) throw new Error('database away');
    });
    const s = new RebuildSchedule(rebuild, { quietMs: 1_000, maxAgeMs: 60_000 }, () => {}, 0);
    s.noteInteractions(1, 0);
    const startedAt: number[] = [];
    for (let t = 1_000; t <= 40_000; t += 100) {
      const run = s.tick(t);
      if (run !== undefined) {
        startedAt.push(t);
        await run;
      }
    }
    expect(startedAt).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000]);

    fail = false;
    await s.tick(96_000);
    s.noteInteractions(1, 96_000);
    expect(s.tick(97_000)).toBeDefined();
    await s.stop();
  });
});
