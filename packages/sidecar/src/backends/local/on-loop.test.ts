// The governor of calls on the event loop: quick calls stay on the loop, one
// slow call sends the next ones to the thread pool's path, an error is the
// caller's, and the loop is tried again after a while.
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
