import { visibleIn } from '../src/adapters/store';

describe('visibleIn', () => {
  it('holds transactions ended before the snapshot, not those running or begun after', () => {
    const visible = visibleIn('100:105:100,103');
    expect(['99', '101', '102', '104'].map(visible)).toEqual([true, true, true, true]);
    expect(['100', '103', '105', '9007199254740993'].map(visible)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('reads a snapshot with no transaction running', () => {
    const visible = visibleIn('42:42:');
    expect([visible('41'), visible('42')]).toEqual([true, false]);
  });
});
