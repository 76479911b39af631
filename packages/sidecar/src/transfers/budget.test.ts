// The memory budget: first come, first served, never above its total.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteBudget } from './budget.js';

test('the budget serves in order and never exceeds its total', async () => {
  const budget = new ByteBudget(10);
  const order: number[] = [];
  const first = await budget.acquire(6);
  const waiting = [8, 3, 20].map((bytes, index) =>
    budget.acquire(bytes).then(taken => {
      order.push(index);
      return taken;
    })
  );
  await new Promise(resolve => setImmediate(resolve));
  assert.deepEqual(order, [], 'the 8 waits, and the 3 waits behind it');
  budget.release(first);
  const [eight] = await Promise.all([waiting[0]]);
  assert.deepEqual(order, [0]);
  budget.release(eight);
  await waiting[1];
  budget.release(3);
  assert.equal(
    await waiting[2],
    10,
    'a request above the total takes the total'
  );
  assert.deepEqual(order, [0, 1, 2]);
  assert.ok(budget.peak <= 10);
});

test('a lease of a MiB or more reuses the buffer given back, and kept buffers never push the total over', async () => {
  const MiB = 1024 * 1024;
  const budget = new ByteBudget(16 * MiB);
  const first = await budget.lease(8 * MiB);
  assert.equal(first.buffer.length, 8 * MiB);
  first.buffer.fill(7);
  const whole = first.buffer.buffer;
  first.release();
  first.release(); // twice is harmless
  assert.equal(budget.keptTotal, 8 * MiB);
  const again = await budget.lease(5 * MiB + 3);
  assert.equal(again.buffer.length, 5 * MiB + 3, 'exactly the bytes asked');
  assert.equal(again.buffer.buffer, whole, 'the kept 8 MiB buffer served it');
  assert.equal(budget.keptTotal, 0);
  // 8 MiB leased, 8 free: a lease of another size takes the free room.
  const other = await budget.lease(4 * MiB);
  assert.notEqual(other.buffer.buffer, whole);
  again.release();
  other.release();
  assert.equal(budget.keptTotal, 12 * MiB);
  // 16 MiB wanted: both kept buffers are dropped to make room.
  const big = await budget.lease(16 * MiB);
  assert.equal(budget.keptTotal, 0);
  assert.ok(budget.peak <= 16 * MiB);
  big.release();
  // A plain acquire of the whole budget drops what is kept.
  const all = await budget.acquire(16 * MiB);
  assert.equal(budget.keptTotal, 0);
  budget.release(all);
});

test("leases under 4 KiB are not kept; a small file's buffer is, in its size class", async () => {
  const budget = new ByteBudget(1024 * 1024);
  const tiny = await budget.lease(4095);
  tiny.release();
  assert.equal(budget.keptTotal, 0);
  const small = await budget.lease(16 * 1024);
  const whole = small.buffer.buffer;
  small.release();
  assert.equal(budget.keptTotal, 16 * 1024);
  const next = await budget.lease(9 * 1024);
  assert.equal(next.buffer.length, 9 * 1024, 'exactly the bytes asked');
  assert.equal(next.buffer.buffer, whole, 'the kept 16 KiB buffer served it');
  next.release();
});
