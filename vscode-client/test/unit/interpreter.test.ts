import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import {
  Candidate,
  ProbeOutput,
  ProbeRunner,
  VERSION_PROBE_ARGS,
  expandPythonPath,
  interpreterCandidates,
  isSupportedVersion,
  parsePythonVersion,
  resolveInterpreter,
  runProbe,
} from "../../src/interpreter";

describe("parsePythonVersion", () => {
  const cases: [string, string, [number, number, number] | undefined][] = [
    ["probe output", "3.11.7\n", [3, 11, 7]],
    ["windows line ending", "3.12.1\r\n", [3, 12, 1]],
    ["python --version", "Python 3.10.13", [3, 10, 13]],
    ["release candidate", "Python 3.14.0rc1", [3, 14, 0]],
    ["development build", "Python 3.13.0+", [3, 13, 0]],
    ["no micro", "3.9", [3, 9, 0]],
    ["python 2", "2.7.18\n", [2, 7, 18]],
    ["warning before the version", "WARNING: something odd\n3.11.2\n", [3, 11, 2]],
    ["empty", "", undefined],
    ["error text", "pyenv: python3.10: command not found", undefined],
    ["version inside a sentence", "this is 3.11.2 maybe", undefined],
  ];
  for (const [name, output, expected] of cases) {
    test(name, () => {
      const version = parsePythonVersion(output);
      assert.deepEqual(version && [version.major, version.minor, version.micro], expected);
    });
  }
});

describe("isSupportedVersion", () => {
  const cases: [[number, number], boolean][] = [
    [[3, 10], true],
    [[3, 13], true],
    [[3, 9], false],
    [[2, 7], false],
    [[4, 0], true],
  ];
  for (const [[major, minor], expected] of cases) {
    test(`${major}.${minor} is ${expected ? "supported" : "too old"}`, () => {
      assert.equal(isSupportedVersion({ major, minor, micro: 0 }), expected);
    });
  }
});

describe("expandPythonPath", () => {
  const context = { home: "/home/ana", workspaceFolder: "/work/project" };

  test("tilde", () => {
    assert.equal(expandPythonPath("~/venvs/cam/bin/python", context), "/home/ana/venvs/cam/bin/python");
  });
  test("workspace folder variable", () => {
    assert.equal(expandPythonPath("${workspaceFolder}/.venv/bin/python", context), "/work/project/.venv/bin/python");
  });
  test("user home variable", () => {
    assert.equal(expandPythonPath("${userHome}/py/bin/python3", context), "/home/ana/py/bin/python3");
  });
  test("relative path with separator", () => {
    assert.equal(expandPythonPath(".venv/bin/python", context), "/work/project/.venv/bin/python");
  });
  test("bare command stays for PATH lookup", () => {
    assert.equal(expandPythonPath("python3.12", context), "python3.12");
  });
  test("surrounding spaces removed", () => {
    assert.equal(expandPythonPath("  /usr/bin/python3 ", context), "/usr/bin/python3");
  });
  test("empty stays empty", () => {
    assert.equal(expandPythonPath("", context), "");
  });
  test("relative path without workspace folder", () => {
    assert.equal(expandPythonPath(".venv/bin/python", { home: "/home/ana" }), ".venv/bin/python");
  });
});

describe("interpreterCandidates", () => {
  test("setting is the only candidate", () => {
    const candidates = interpreterCandidates({ configured: "/opt/py/bin/python", fromPythonExtension: "/x/python", platform: "linux" });
    assert.deepEqual(candidates, [{ command: "/opt/py/bin/python", source: "setting" }]);
  });
  test("python extension before PATH", () => {
    const candidates = interpreterCandidates({ configured: "", fromPythonExtension: "/x/python", platform: "linux" });
    assert.deepEqual(candidates.map((candidate) => candidate.command), ["/x/python", "python3", "python"]);
    assert.equal(candidates[0].source, "python-extension");
  });
  test("PATH only without the python extension", () => {
    const candidates = interpreterCandidates({ configured: "", platform: "darwin" });
    assert.deepEqual(candidates, [
      { command: "python3", source: "path" },
      { command: "python", source: "path" },
    ]);
  });
  test("windows names", () => {
    const candidates = interpreterCandidates({ configured: "", platform: "win32" });
    assert.deepEqual(candidates.map((candidate) => candidate.command), ["python", "py"]);
  });
});

/** Create a probe runner that returns the output listed for each command, and records the commands run. */
function fakeRunner(outputs: Record<string, ProbeOutput>): ProbeRunner & { calls: string[] } {
  const calls: string[] = [];
  const runner = async (command: string, args: string[]) => {
    calls.push(command);
    assert.deepEqual(args, VERSION_PROBE_ARGS);
    return outputs[command] ?? { stdout: "", stderr: "", error: { code: "ENOENT", message: `spawn ${command} ENOENT` } };
  };
  return Object.assign(runner, { calls });
}

describe("resolveInterpreter", () => {
  const fromPath: Candidate[] = [
    { command: "/x/python", source: "python-extension" },
    { command: "python3", source: "path" },
    { command: "python", source: "path" },
  ];

  test("first supported candidate wins", async () => {
    const run = fakeRunner({ "/x/python": { stdout: "3.12.1\n", stderr: "" }, python3: { stdout: "3.11.2\n", stderr: "" } });
    const resolution = await resolveInterpreter(fromPath, run);
    assert.equal(resolution.ok, true);
    assert.equal(resolution.ok && resolution.command, "/x/python");
    assert.deepEqual(run.calls, ["/x/python"]);
  });

  test("too old candidate skipped", async () => {
    const run = fakeRunner({ "/x/python": { stdout: "3.8.10\n", stderr: "" }, python3: { stdout: "3.11.2\n", stderr: "" } });
    const resolution = await resolveInterpreter(fromPath, run);
    assert.ok(resolution.ok);
    assert.equal(resolution.command, "python3");
    assert.equal(resolution.source, "path");
    assert.deepEqual(resolution.tried, [`the Python extension's interpreter "/x/python": Python 3.8.10 is too old`]);
  });

  test("nothing found lists every attempt", async () => {
    const run = fakeRunner({ python: { stdout: "2.7.18\n", stderr: "" } });
    const resolution = await resolveInterpreter(fromPath, run);
    assert.equal(resolution.ok, false);
    assert.equal(
      !resolution.ok && resolution.message,
      "The CAM policy language server cannot start: no Python 3.10 or newer was found " +
        `(the Python extension's interpreter "/x/python": not found; "python3" on PATH: not found; ` +
        `"python" on PATH: Python 2.7.18 is too old). ` +
        "Set camPolicy.server.pythonPath to the path of a Python 3.10 or newer, then the server restarts.",
    );
  });

  test("configured interpreter too old", async () => {
    const run = fakeRunner({ "/opt/py38/bin/python": { stdout: "3.8.18\n", stderr: "" } });
    const resolution = await resolveInterpreter([{ command: "/opt/py38/bin/python", source: "setting" }], run);
    assert.equal(resolution.ok, false);
    assert.equal(
      !resolution.ok && resolution.message,
      'The CAM policy language server cannot start: camPolicy.server.pythonPath "/opt/py38/bin/python": ' +
        "Python 3.8.18 is too old. " +
        "Set camPolicy.server.pythonPath to the path of a Python 3.10 or newer, or clear it to use python3 on PATH; " +
        "the server then restarts.",
    );
  });

  test("failing interpreter shows its last error line", async () => {
    const run = fakeRunner({
      "/broken/python": {
        stdout: "",
        stderr: "Traceback (most recent call last):\nImportError: bad magic number\n",
        error: { code: 1, message: "Command failed" },
      },
    });
    const resolution = await resolveInterpreter([{ command: "/broken/python", source: "setting" }], run);
    assert.equal(resolution.ok, false);
    assert.match(!resolution.ok ? resolution.message : "", /"\/broken\/python": failed: ImportError: bad magic number\./);
  });

  test("output without a version", async () => {
    const run = fakeRunner({ python3: { stdout: "hello\n", stderr: "" } });
    const resolution = await resolveInterpreter([{ command: "python3", source: "path" }], run);
    assert.deepEqual(resolution.tried, ['"python3" on PATH: failed: no version printed']);
  });
});

describe("runProbe with real processes", () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "cam-policy-probe-"));
  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  test("missing executable", async () => {
    const output = await runProbe(path.join(folder, "no-such-python"), VERSION_PROBE_ARGS);
    assert.equal(output.error?.code, "ENOENT");
  });

  test("script that prints an old version", { skip: process.platform === "win32" }, async () => {
    const script = path.join(folder, "old-python");
    fs.writeFileSync(script, "#!/bin/sh\necho 3.8.10\n", { mode: 0o755 });
    const resolution = await resolveInterpreter([{ command: script, source: "setting" }], runProbe);
    assert.equal(resolution.ok, false);
    assert.match(resolution.tried[0], /Python 3\.8\.10 is too old$/);
  });

  test("script that exits with an error", { skip: process.platform === "win32" }, async () => {
    const script = path.join(folder, "failing-python");
    fs.writeFileSync(script, "#!/bin/sh\necho 'cannot run here' >&2\nexit 3\n", { mode: 0o755 });
    const resolution = await resolveInterpreter([{ command: script, source: "setting" }], runProbe);
    assert.deepEqual(resolution.tried, [`camPolicy.server.pythonPath "${script}": failed: cannot run here`]);
  });

  test("python3 on PATH runs the probe", { skip: process.platform === "win32" }, async (context) => {
    const output = await runProbe("python3", VERSION_PROBE_ARGS);
    if (output.error?.code === "ENOENT") {
      context.skip("python3 is not on PATH");
      return;
    }
    assert.equal(output.error, undefined);
    assert.match(output.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});
