import * as assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SettingGetter, initializationOptions, readServerSettings, serverCommand } from "../../src/settings";

/** A setting getter over a flat table of keys below camPolicy, as vscode's WorkspaceConfiguration.get returns them. */
function settings(values: Record<string, unknown>): SettingGetter {
  return (key) => values[key];
}

/** The values that VS Code returns when the user set nothing: the defaults from package.json. */
const DEFAULTS = {
  "server.pythonPath": "",
  "server.args": [],
  defaultUin: "",
  defaultRegion: "",
  inlayHints: true,
  extraCatalogs: [],
};

describe("initializationOptions", () => {
  test("defaults leave out the empty strings", () => {
    assert.deepEqual(initializationOptions(settings(DEFAULTS)), { camPolicy: { inlayHints: true } });
  });

  test("all three settings", () => {
    const options = initializationOptions(
      settings({ ...DEFAULTS, defaultUin: "100000000001", defaultRegion: "ap-guangzhou", inlayHints: false }),
    );
    assert.deepEqual(options, {
      camPolicy: { defaultUin: "100000000001", defaultRegion: "ap-guangzhou", inlayHints: false },
    });
  });

  test("values are trimmed", () => {
    const options = initializationOptions(settings({ ...DEFAULTS, defaultUin: " 100000000001 ", defaultRegion: "ap-shanghai\n" }));
    assert.equal(options.camPolicy.defaultUin, "100000000001");
    assert.equal(options.camPolicy.defaultRegion, "ap-shanghai");
  });

  test("number uin becomes a string", () => {
    assert.equal(initializationOptions(settings({ ...DEFAULTS, defaultUin: 100000000001 })).camPolicy.defaultUin, "100000000001");
  });

  test("invalid uin passed on for the server to report", () => {
    assert.equal(initializationOptions(settings({ ...DEFAULTS, defaultUin: "12ab" })).camPolicy.defaultUin, "12ab");
  });

  test("non-boolean inlay hints fall back to true", () => {
    assert.equal(initializationOptions(settings({ ...DEFAULTS, inlayHints: "no" })).camPolicy.inlayHints, true);
  });

  test("missing settings", () => {
    assert.deepEqual(initializationOptions(settings({})), { camPolicy: { inlayHints: true } });
  });
});

describe("readServerSettings", () => {
  test("defaults", () => {
    assert.deepEqual(readServerSettings(settings(DEFAULTS)), { pythonPath: "", args: [] });
  });

  test("path trimmed and non-string arguments dropped", () => {
    const server = readServerSettings(settings({ "server.pythonPath": " /usr/bin/python3 ", "server.args": ["--log-level", 7, "DEBUG"] }));
    assert.deepEqual(server, { pythonPath: "/usr/bin/python3", args: ["--log-level", "DEBUG"] });
  });

  test("arguments that are not a list", () => {
    assert.deepEqual(readServerSettings(settings({ "server.args": "--log-level DEBUG" })).args, []);
  });
});

describe("serverCommand", () => {
  test("command line and working folder", () => {
    const command = serverCommand("/usr/bin/python3", "/ext/bundled/libs", ["--log-level", "DEBUG"], {}, ":");
    assert.equal(command.command, "/usr/bin/python3");
    assert.deepEqual(command.args, ["-m", "cam_policy_ls", "serve", "--stderr-log-level", "WARNING", "--log-level", "DEBUG"]);
    assert.equal(command.cwd, "/ext/bundled/libs");
  });

  test("bundled libraries alone on PYTHONPATH", () => {
    const command = serverCommand("python3", "/ext/bundled/libs", [], { PATH: "/usr/bin" }, ":");
    assert.equal(command.env.PYTHONPATH, "/ext/bundled/libs");
    assert.equal(command.env.PATH, "/usr/bin");
    assert.equal(command.env.PYTHONUNBUFFERED, "1");
  });

  test("bundled libraries before an existing PYTHONPATH", () => {
    const command = serverCommand("python", "C:\\ext\\bundled\\libs", [], { PYTHONPATH: "C:\\mine" }, ";");
    assert.equal(command.env.PYTHONPATH, "C:\\ext\\bundled\\libs;C:\\mine");
  });

  test("base environment not changed", () => {
    const base = { PYTHONPATH: "/mine" };
    serverCommand("python3", "/libs", [], base, ":");
    assert.deepEqual(base, { PYTHONPATH: "/mine" });
  });
});

describe("extraCatalogs", () => {
  test("passed on when set", () => {
    const options = initializationOptions(settings({ ...DEFAULTS, extraCatalogs: ["/catalogs"] }));
    assert.deepEqual(options.camPolicy.extraCatalogs, ["/catalogs"]);
  });

  test("left out when empty", () => {
    assert.equal("extraCatalogs" in initializationOptions(settings({ ...DEFAULTS, extraCatalogs: [] })).camPolicy, false);
  });
});
