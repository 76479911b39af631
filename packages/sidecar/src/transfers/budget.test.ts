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
