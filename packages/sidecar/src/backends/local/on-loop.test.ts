// The governor of calls on the event loop: quick calls stay on the loop, one
// slow call (or a few in a row) sends the next ones to the thread pool's
// path, an error is the caller's, and the loop is tried again after a while.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LoopGovernor } from './on-loop.js';

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // a call that makes the loop wait
  }
}

describe('calls on the event loop', () => {
  test('quick calls run on the loop; after a slow one, calls go off it', async () => {
    const governor = new LoopGovernor(100);
    const where: string[] = [];
    const call = (work = 0) =>
      governor.run(
        () => {
          busy(work);
          where.push('loop');
          return 1;
        },
        async () => {
          where.push('pool');
          return 2;
        }
      );
    assert.equal(call(), 1, 'a quick call answers at once, not as a promise');
    assert.equal(call(150), 1, 'a slow call still answers');
    assert.equal(await call(), 2, 'the next call goes off the loop');
    assert.deepEqual(where, ['loop', 'loop', 'pool']);
    governor.reset();
    assert.equal(call(), 1, 'after the pause, the loop again');
  });

  test('with inARow, one slow call among quick ones keeps calls on the loop', async () => {
    const governor = new LoopGovernor(100, 3);
    const call = (work = 0) =>
      governor.run(
        () => {
          busy(work);
          return 'loop';
        },
        async () => 'pool'
      );
    assert.equal(call(150), 'loop');
    assert.equal(call(150), 'loop');
    assert.equal(call(), 'loop', 'a quick call in between');
    assert.equal(call(150), 'loop');
    assert.equal(call(150), 'loop', 'two slow calls in a row, not three');
    assert.equal(call(), 'loop', 'the count starts again');
    call(150);
    call(150);
    assert.equal(
      call(150),
      'loop',
      'the third slow call in a row still answers'
    );
    assert.equal(await call(), 'pool', 'then calls go off the loop');
  });

  test("a call's error is thrown to the caller, and a failed call is timed too", () => {
    const governor = new LoopGovernor(100);
    assert.throws(
      () =>
        governor.run(
          () => {
            busy(150);
            throw new Error('EBADF');
          },
          async () => 0
        ),
      /EBADF/
    );
    assert.ok(
      governor.run(
        () => 0,
        async () => 1
      ) instanceof Promise,
      'off the loop after the slow failure'
    );
  });
});
