import * as assert from "node:assert/strict";
import { test } from "node:test";
import { SerialTask } from "../../src/serial";

/** Fail the test when the task reports an error it should not have. */
const unexpectedError = (error: unknown) => assert.fail(`unexpected error: ${String(error)}`);

/** A promise with its resolve function, to hold a task until the test lets it finish. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

test("single request runs once", async () => {
  let runs = 0;
  const task = new SerialTask(async () => void runs++, unexpectedError);
  await task.request();
  assert.equal(runs, 1);
  assert.equal(task.running, false);
});

test("requests during a run merge into one more run", async () => {
  const first = gate();
  let runs = 0;
  const task = new SerialTask(async () => {
    runs++;
    if (runs === 1) {
      await first.promise;
    }
  }, unexpectedError);
  const done = task.request();
  const later = [task.request(), task.request(), task.request()];
  first.open();
  await Promise.all([done, ...later]);
  assert.equal(runs, 2);
});

test("runs never overlap", async () => {
  let active = 0;
  let maximum = 0;
  const task = new SerialTask(async () => {
    active++;
    maximum = Math.max(maximum, active);
    await new Promise((resolve) => setTimeout(resolve, 5));
    active--;
  }, unexpectedError);
  await Promise.all([task.request(), task.request()]);
  await task.request();
  assert.equal(maximum, 1);
});

test("failure reported and next request runs", async () => {
  const errors: unknown[] = [];
  let runs = 0;
  const task = new SerialTask(async () => {
    runs++;
    if (runs === 1) {
      throw new Error("no python");
    }
  }, (error) => errors.push(error));
  await task.request();
  await task.request();
  assert.equal(runs, 2);
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /no python/);
});
