import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.js';
import { withTx } from '../db/database.js';
import { claimSendGap, pushBackSlots, reserveSlot } from './rate-slots.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

describe('durable rate slots', () => {
  it('hands out slots one interval apart, starting now', async () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const slots = [];
    for (let i = 0; i < 4; i += 1) slots.push((await reserveSlot(t.db, 'feishu:chat:a', 200, now)).getTime());
    expect(slots.map((s) => s - now.getTime())).toEqual([0, 200, 400, 600]);
  });

  it('keys are independent, and an idle key starts again from now', async () => {
    const later = new Date('2026-11-23T11:00:00Z');
    expect((await reserveSlot(t.db, 'feishu:chat:b', 200, later)).getTime()).toBe(later.getTime());
    expect((await reserveSlot(t.db, 'feishu:chat:a', 200, later)).getTime()).toBe(later.getTime());
  });

  it('concurrent reservations from separate transactions never share a slot', async () => {
    const now = new Date('2026-11-23T12:00:00Z');
    const slots = await Promise.all(Array.from({ length: 20 }, () => withTx(t.db, (tx) => reserveSlot(tx, 'slack:C1', 1000, now))));
    const offsets = slots.map((s) => s.getTime() - now.getTime()).sort((a, b) => a - b);
    expect(offsets).toEqual(Array.from({ length: 20 }, (_, i) => i * 1000));
  });

  it('a platform "slow down" pushes every later slot past it', async () => {
    const now = new Date('2026-11-23T13:00:00Z');
    await reserveSlot(t.db, 'dingtalk:ops', 3000, now);
    await pushBackSlots(t.db, 'dingtalk:ops', new Date(now.getTime() + 600_000));
    expect((await reserveSlot(t.db, 'dingtalk:ops', 3000, now)).getTime()).toBe(now.getTime() + 600_000);
    // An earlier push never pulls slots forward.
    await pushBackSlots(t.db, 'dingtalk:ops', new Date(now.getTime() + 1000));
    expect((await reserveSlot(t.db, 'dingtalk:ops', 3000, now)).getTime()).toBe(now.getTime() + 603_000);
  });

  it('the send check holds a late job back until the gap since the last real send has passed', async () => {
    const t0 = new Date('2026-11-23T14:00:00Z');
    expect(await claimSendGap(t.db, 'feishu:chat:late', 230, () => t0)).toBeNull();
    const tooSoon = await claimSendGap(t.db, 'feishu:chat:late', 230, () => new Date(t0.getTime() + 40));
    expect(tooSoon?.getTime()).toBe(t0.getTime() + 230);
    expect(await claimSendGap(t.db, 'feishu:chat:late', 230, () => new Date(t0.getTime() + 230))).toBeNull();
  });

  it('a platform block holds back even a job that already holds its slot', async () => {
    const t0 = new Date('2026-11-23T15:00:00Z');
    expect(await claimSendGap(t.db, 'slack:C9', 100, () => t0)).toBeNull();
    await pushBackSlots(t.db, 'slack:C9', new Date(t0.getTime() + 30_000));
    const held = await claimSendGap(t.db, 'slack:C9', 100, () => new Date(t0.getTime() + 5_000));
    expect(held?.getTime()).toBe(t0.getTime() + 30_000);
    expect(await claimSendGap(t.db, 'slack:C9', 100, () => new Date(t0.getTime() + 30_000))).toBeNull();
  });
});
