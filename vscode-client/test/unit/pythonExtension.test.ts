import * as assert from "node:assert/strict";
import { describe, test } from "node:test";
import { interpreterFromPythonApi, onInterpreterChange, withTimeout } from "../../src/pythonExtension";

const RESOURCE = { fsPath: "/work/project" };

describe("interpreterFromPythonApi", () => {
  test("environments API resolved to the executable", async () => {
    const requests: unknown[] = [];
    const api = {
      ready: Promise.resolve(),
      environments: {
        getActiveEnvironmentPath(resource: unknown) {
          requests.push(resource);
          return { id: "venv", path: "/work/project/.venv" };
        },
        async resolveEnvironment(environment: { path: string }) {
          return { executable: { uri: { fsPath: `${environment.path}/bin/python` } } };
        },
      },
    };
    assert.equal(await interpreterFromPythonApi(api, RESOURCE), "/work/project/.venv/bin/python");
    assert.deepEqual(requests, [RESOURCE]);
  });

  test("unresolved environment falls back to its path", async () => {
    const api = {
      environments: {
        getActiveEnvironmentPath: () => ({ id: "x", path: "/usr/bin/python3" }),
        resolveEnvironment: async () => undefined,
      },
    };
    assert.equal(await interpreterFromPythonApi(api, RESOURCE), "/usr/bin/python3");
  });

  test("older settings API", async () => {
    const api = { settings: { getExecutionDetails: () => ({ execCommand: ["/opt/py/bin/python"] }) } };
    assert.equal(await interpreterFromPythonApi(api, RESOURCE), "/opt/py/bin/python");
  });

  test("command with arguments is not used", async () => {
    const api = { settings: { getExecutionDetails: () => ({ execCommand: ["conda", "run", "-n", "cam", "python"] }) } };
    assert.equal(await interpreterFromPythonApi(api, RESOURCE), undefined);
  });

  test("no API at all", async () => {
    assert.equal(await interpreterFromPythonApi(undefined, RESOURCE), undefined);
    assert.equal(await interpreterFromPythonApi({}, RESOURCE), undefined);
    assert.equal(await interpreterFromPythonApi({ environments: "not an object" }, RESOURCE), undefined);
  });

  test("API that never becomes ready", async () => {
    const api = { ready: new Promise(() => undefined), settings: { getExecutionDetails: () => ({ execCommand: ["/p/python"] }) } };
    assert.equal(await interpreterFromPythonApi(api, RESOURCE, 20), "/p/python");
  });

  test("failing resolve rejects", async () => {
    const api = {
      environments: {
        getActiveEnvironmentPath: () => ({ id: "x", path: "/p" }),
        resolveEnvironment: async () => {
          throw new Error("discovery failed");
        },
      },
    };
    await assert.rejects(interpreterFromPythonApi(api, RESOURCE), /discovery failed/);
  });
});

describe("onInterpreterChange", () => {
  test("environments event", () => {
    let registered: (() => void) | undefined;
    let disposed = false;
    const api = {
      environments: {
        onDidChangeActiveEnvironmentPath(listener: () => void) {
          registered = listener;
          return { dispose: () => (disposed = true) };
        },
      },
    };
    let calls = 0;
    const subscription = onInterpreterChange(api, () => calls++);
    registered?.();
    assert.equal(calls, 1);
    subscription?.dispose();
    assert.equal(disposed, true);
  });

  test("settings event", () => {
    let registered = false;
    const api = { settings: { onDidChangeExecutionDetails: () => ((registered = true), { dispose() {} }) } };
    assert.notEqual(onInterpreterChange(api, () => undefined), undefined);
    assert.equal(registered, true);
  });

  test("no event", () => {
    assert.equal(onInterpreterChange({}, () => undefined), undefined);
  });
});

describe("withTimeout", () => {
  test("value before the timeout", async () => {
    assert.equal(await withTimeout(Promise.resolve(5), 1000), 5);
  });
  test("undefined after the timeout", async () => {
    assert.equal(await withTimeout(new Promise(() => undefined), 10), undefined);
  });
});
