// What a refused call threw, checked to be of the kind the refusal promises.
import assert from 'node:assert/strict';

export function thrown<E extends Error>(
  work: () => unknown,
  kind: abstract new (...args: never[]) => E
): E {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof kind, String(error));
    return error;
  }
  assert.fail(`expected a ${kind.name}`);
}
