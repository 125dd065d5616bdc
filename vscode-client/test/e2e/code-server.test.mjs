// End-to-end test: installs the packaged .vsix into code-server (VS Code in a
// browser), opens the policies in test/e2e/workspace in Debian's Chromium
// through playwright-core, and uses the editor as a person would. Every server
// here listens on 127.0.0.1, and the browser resolves no other host.
//
// The tests run in file order and share one editor, so each one continues
// from where the one before it left off.
//
// Environment: CHROMIUM (default /usr/bin/chromium); CAM_POLICY_E2E_KEEP=1
// keeps the scratch folder; CAM_POLICY_UPDATE_IMAGES=1 copies the README
// screenshots into images/.

import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";

const root = path.resolve(import.meta.dirname, "..", "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const vsix = path.join(root, "dist", `${manifest.name}-${manifest.version}.vsix`);
const codeServer = path.join(root, ".code-server", "node_modules", ".bin", "code-server");
const fixtures = path.join(import.meta.dirname, "workspace");
const outputDir = path.join(root, "test-output");
const imagesDir = path.join(root, "images");
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

const DEFAULT_UIN = "200000000002";
const DEFAULT_REGION = "ap-shanghai";
/** Bound for waits on the language server: its first start includes Python's imports and the extension host's start. */
const SERVER_TIMEOUT = 60_000;
/** Bound for waits on the editor's own UI. */
const UI_TIMEOUT = 15_000;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "cam-policy-e2e-"));
const workspace = path.join(scratch, "workspace");
const userDataDir = path.join(scratch, "user-data");
const settingsFile = path.join(userDataDir, "User", "settings.json");
const nonLoopbackRequests = [];

let codeServerProcess;
let browser;
let page;
let goodPython;

// Stops code-server's process group if this process ends before after() ran, for example on Ctrl+C.
process.once("exit", () => {
  if (codeServerProcess?.exitCode === null) {
    process.kill(-codeServerProcess.pid, "SIGKILL");
  }
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => process.exit(130));
}

function log(message) {
  console.log(`# ${message}`);
}

/** Return a free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Poll a condition every 100 ms until it returns a truthy value, or the timeout passes. */
async function waitFor(description, condition, timeout) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await condition();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${description}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function writeUserSettings(pythonPath) {
  const settings = {
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoUpdate": false,
    "extensions.autoCheckUpdates": false,
    "extensions.ignoreRecommendations": true,
    "json.schemaDownload.enable": false,
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.enableExperiments": false,
    "chat.commandCenter.enabled": false,
    "editor.minimap.enabled": false,
    "window.commandCenter": false,
    "camPolicy.server.pythonPath": pythonPath,
    "camPolicy.defaultUin": DEFAULT_UIN,
    "camPolicy.defaultRegion": DEFAULT_REGION,
  };
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  fs.writeFileSync(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
}

/**
 * Create a Python with nothing installed: a virtual environment without pip,
 * from the python3 on PATH. The server then imports only what the .vsix ships.
 */
function createBarePython() {
  const venv = path.join(scratch, "bare-python");
  execFileSync("python3", ["-m", "venv", "--without-pip", venv], { stdio: "inherit" });
  const python = path.join(venv, "bin", "python");
  for (const module of ["cam_policy_ls", "pygls", "lsprotocol", "yaml"]) {
    const found = execFileSync(python, ["-c", `import importlib.util; print(importlib.util.find_spec("${module}") is not None)`])
      .toString()
      .trim();
    assert.equal(found, "False", `the bare Python can import ${module}, so it would not prove that the bundled libraries work`);
  }
  return python;
}

/** Create a stand-in interpreter that reports Python 3.8.10, to see the version check reject it. */
function createOldPython() {
  const script = path.join(scratch, "python3.8");
  fs.writeFileSync(script, "#!/bin/sh\necho 3.8.10\n", { mode: 0o755 });
  return script;
}

function codeServerEnv() {
  return {
    ...process.env,
    HOME: path.join(scratch, "home"),
    XDG_CONFIG_HOME: path.join(scratch, "xdg-config"),
    XDG_DATA_HOME: path.join(scratch, "xdg-data"),
    XDG_CACHE_HOME: path.join(scratch, "xdg-cache"),
    // A closed port on this machine, so that the gallery is never a host elsewhere.
    EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: "http://127.0.0.1:9/gallery", itemUrl: "http://127.0.0.1:9/item" }),
  };
}

function codeServerArgs(port) {
  return [
    "--bind-addr",
    `127.0.0.1:${port}`,
    "--auth",
    "none",
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-workspace-trust",
    "--disable-getting-started-override",
    "--user-data-dir",
    userDataDir,
    "--extensions-dir",
    path.join(scratch, "extensions"),
    "--config",
    path.join(scratch, "config.yaml"),
  ];
}

async function startCodeServer() {
  const port = await freePort();
  fs.writeFileSync(path.join(scratch, "config.yaml"), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = codeServerArgs(port);
  execFileSync(codeServer, [...args, "--install-extension", vsix], { env: codeServerEnv(), stdio: "inherit", timeout: 60_000 });

  const logFile = fs.openSync(path.join(outputDir, "code-server.log"), "w");
  // detached: code-server and the processes it starts form one process group, stopped together in after().
  codeServerProcess = spawn(codeServer, [...args, workspace], {
    env: codeServerEnv(),
    stdio: ["ignore", logFile, logFile],
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    "code-server to answer /healthz",
    async () => {
      assert.equal(codeServerProcess.exitCode, null, "code-server exited; see test-output/code-server.log");
      return fetch(`${url}/healthz`).then((response) => response.ok, () => false);
    },
    30_000,
  );
  return url;
}

async function stopCodeServer() {
  if (codeServerProcess === undefined || codeServerProcess.exitCode !== null) {
    return;
  }
  const exited = new Promise((resolve) => codeServerProcess.once("exit", resolve));
  process.kill(-codeServerProcess.pid, "SIGTERM");
  const timer = setTimeout(() => process.kill(-codeServerProcess.pid, "SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/** Save a screenshot of the window to test-output/, and with CAM_POLICY_UPDATE_IMAGES=1 also to images/readmeImage. */
async function screenshot(name, readmeImage) {
  const file = path.join(outputDir, `${name}.png`);
  await page.screenshot({ path: file });
  if (readmeImage !== undefined && process.env.CAM_POLICY_UPDATE_IMAGES === "1") {
    fs.copyFileSync(file, path.join(imagesDir, readmeImage));
  }
}

/** Open a workspace file by clicking it in the Explorer, and wait until its editor is active. */
async function openFile(name, language) {
  await page.locator(".explorer-folders-view .monaco-list-row", { hasText: name }).click();
  await page.locator(".tabs-container .tab.active", { hasText: name }).waitFor({ timeout: UI_TIMEOUT });
  await page.locator("#status\\.editor\\.mode", { hasText: language }).waitFor({ timeout: UI_TIMEOUT });
}

/** Return the 1-based "line:column" of the first occurrence of a text in a file, plus a column offset. */
function positionOf(file, needle, columnOffset = 0) {
  const text = fs.readFileSync(path.join(workspace, file), "utf8");
  const index = text.indexOf(needle);
  assert.notEqual(index, -1, `${needle} is not in ${file}`);
  const lines = text.slice(0, index).split("\n");
  return `${lines.length}:${lines[lines.length - 1].length + 1 + columnOffset}`;
}

/** Move the cursor with Go to Line/Column (Ctrl+G), which also puts the focus in the editor. */
async function goTo(position) {
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ timeout: UI_TIMEOUT });
  // Ctrl+G opens Quick Open with ":" typed; fill() replaces that text, so the ":" is typed again.
  await input.fill(`:${position}`);
  await page.keyboard.press("Enter");
  await input.waitFor({ state: "hidden", timeout: UI_TIMEOUT });
}

/** Save the active editor with Ctrl+S and return the file's text once it changed on disk. */
async function saveAndRead(file) {
  const full = path.join(workspace, file);
  const before = fs.readFileSync(full, "utf8");
  await page.keyboard.press("Control+S");
  return waitFor(`${file} to be saved`, () => {
    const text = fs.readFileSync(full, "utf8");
    return text !== before ? text : undefined;
  }, UI_TIMEOUT);
}

/** Run a command from the Command Palette (F1). */
async function runCommand(title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ timeout: UI_TIMEOUT });
  await input.fill(`>${title}`);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first().waitFor({ timeout: UI_TIMEOUT });
  await page.keyboard.press("Enter");
  await input.waitFor({ state: "hidden", timeout: UI_TIMEOUT });
}

/** Return the text of the extension's output channel, from the log file that VS Code writes for it. */
function serverLog() {
  const logs = path.join(userDataDir, "logs");
  const files = fs.readdirSync(logs, { recursive: true }).filter((name) => String(name).endsWith("CAM Policy Language Server.log"));
  return files.map((name) => fs.readFileSync(path.join(logs, String(name)), "utf8")).join("\n");
}

function count(text, pattern) {
  return text.split(pattern).length - 1;
}

/** Count the server starts in the log: each start logs the client's name, which reaches the log as a window/logMessage. */
function serverStarts() {
  return (serverLog().match(/^\[Info +- [^\]]+\] client: /gm) ?? []).length;
}

/** Return a locator for the suggestion row whose label is exactly the text. */
function suggestion(label) {
  return page.locator(".suggest-widget .monaco-list-row", {
    has: page.locator(".label-name", { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) }),
  });
}

/** Focus a row of the open suggestion list with the arrow keys, then accept it with Enter. */
async function acceptSuggestion(row) {
  await row.waitFor({ timeout: SERVER_TIMEOUT });
  const label = await row.locator(".label-name").innerText();
  const focused = page.locator(".suggest-widget .monaco-list-row.focused .label-name");
  for (let presses = 0; presses < 20 && (await focused.innerText()) !== label; presses++) {
    await page.keyboard.press("ArrowDown");
  }
  assert.equal(await focused.innerText(), label);
  await page.keyboard.press("Enter");
  await row.waitFor({ state: "detached", timeout: UI_TIMEOUT }).catch(() => undefined);
}

before(async () => {
  assert.ok(fs.existsSync(vsix), `${vsix} is missing: run make vsix first`);
  assert.ok(fs.existsSync(codeServer), `${codeServer} is missing: run make e2e-test, which installs it`);
  assert.ok(fs.existsSync(chromiumPath), `${chromiumPath} is missing: install Debian's chromium package`);
  fs.mkdirSync(outputDir, { recursive: true });
  fs.cpSync(fixtures, workspace, { recursive: true });

  goodPython = createBarePython();
  writeUserSettings(goodPython);
  const url = await startCodeServer();
  log(`code-server at ${url}, scratch folder ${scratch}`);

  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 760 } });
  page.on("request", (request) => {
    const requestUrl = request.url();
    if (!/^(https?|wss?):\/\/127\.0\.0\.1[:/]/.test(requestUrl) && !/^(data|blob|vscode-[a-z-]+):/.test(requestUrl)) {
      nonLoopbackRequests.push(requestUrl);
    }
  });
  await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
  await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "kms-decrypt.cam.json" }).waitFor({ timeout: 60_000 });
});

after(async () => {
  if (page !== undefined) {
    await screenshot("last").catch(() => undefined);
  }
  await browser?.close();
  await stopCodeServer();
  if (process.env.CAM_POLICY_E2E_KEEP === "1") {
    log(`kept ${scratch}`);
  } else {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});

test("operation-level diagnostic shown", async () => {
  await openFile("kms-decrypt.cam.json", "CAM Policy");
  await page.locator(".monaco-editor .squiggly-error").first().waitFor({ timeout: SERVER_TIMEOUT });

  await page.locator("#status\\.problems").click();
  const entry = page.locator(".markers-panel .monaco-list-row", { hasText: "is an operation-level API" });
  await entry.waitFor({ timeout: UI_TIMEOUT });
  const text = await entry.innerText();
  assert.match(text, /"kms:Decrypt" is an operation-level API/);
  assert.match(text, /\ncam-policy\noperation-level-resource\n/);
  assert.match(text, /Ln 6, Col 19/);
  const rows = await page.locator(".markers-panel .monaco-list-row").allInnerTexts();
  const diagnostics = rows.filter((row) => row.includes("\ncam-policy\n"));
  assert.equal(diagnostics.length, 1, `Problems rows: ${JSON.stringify(rows)}`);

  await goTo(positionOf("kms-decrypt.cam.json", '"kms:Decrypt"', 4));
  await page.keyboard.press("Control+K");
  await page.keyboard.press("Control+I");
  await page.locator(".monaco-hover", { hasText: "CAM authorizes it only on resource" }).waitFor({ timeout: UI_TIMEOUT });
  await screenshot("1-diagnostic", "diagnostic.png");
  await page.keyboard.press("Escape");
});

test("hover shows the granularity", async () => {
  await goTo(positionOf("kms-decrypt.cam.json", '"kms:Decrypt"', 6));
  await page.keyboard.press("Control+K");
  await page.keyboard.press("Control+I");
  const hover = page.locator(".monaco-hover", { hasText: "Authorization granularity" });
  await hover.waitFor({ timeout: UI_TIMEOUT });
  const text = await hover.innerText();
  assert.match(text, /kms:Decrypt/);
  assert.match(text, /Authorization granularity: operation level/);
  await screenshot("2-hover");
  await page.keyboard.press("Escape");
});

test("fixing the resource clears the diagnostic", async () => {
  const file = "kms-decrypt.cam.json";
  await goTo(positionOf(file, '"qcs::kms:', 1));
  // Select the resource between its quotes and type "*" over it.
  await page.keyboard.press("Shift+End");
  await page.keyboard.press("Shift+ArrowLeft");
  await page.keyboard.press("Shift+ArrowLeft");
  await page.keyboard.type("*");
  await page.locator(".monaco-editor .squiggly-error").first().waitFor({ state: "detached", timeout: SERVER_TIMEOUT });
  await page.locator(".markers-panel .monaco-list-row", { hasText: "is an operation-level API" }).waitFor({ state: "detached", timeout: UI_TIMEOUT });
  const text = await saveAndRead(file);
  assert.match(text, /"action": \["kms:Decrypt"\],\n\s+"resource": \["\*"\]\n/);
});

test("action completion inserts one quoted action", async () => {
  const file = "new-statement.cam.json";
  await openFile(file, "CAM Policy");
  await goTo(positionOf(file, '"action": []', 11));
  // The closing quote comes from auto-closing; the ":" opens the suggestions.
  await page.keyboard.type('"kms:Enc');
  const row = suggestion("kms:Encrypt");
  await row.waitFor({ timeout: SERVER_TIMEOUT });
  await page.locator(".suggest-widget .monaco-list-row.focused .label-name", { hasText: /^kms:Encrypt$/ }).waitFor({ timeout: UI_TIMEOUT });
  // Ctrl+Space in an open suggestion list shows the focused item's documentation beside it.
  await page.keyboard.press("Control+Space");
  const details = page.locator(".suggest-details", { hasText: "Authorization granularity" });
  await details.waitFor({ timeout: UI_TIMEOUT });
  assert.match(await details.innerText(), /resource level/);
  await screenshot("3-action-completion", "completion.png");
  await acceptSuggestion(row);
  const text = await saveAndRead(file);
  assert.match(text, /"action": \["kms:Encrypt"\],\n/);
});

test("resource completion inserts a template", async () => {
  const file = "new-statement.cam.json";
  await goTo(positionOf(file, '"resource": []', 13));
  await page.keyboard.type('"');
  const template = "qcs::kms:${region}:uin/${uin}:key/creatorUin/${creatorUin}/${keyId}";
  await acceptSuggestion(suggestion(template));
  // The snippet's first tab stop is the region, offered as a choice with the configured region first.
  await suggestion(DEFAULT_REGION).waitFor({ timeout: UI_TIMEOUT });
  const firstChoice = page.locator(".suggest-widget .monaco-list-row").first().locator(".label-name");
  assert.equal(await firstChoice.innerText(), DEFAULT_REGION);
  assert.ok(await suggestion("ap-guangzhou").count(), "ap-guangzhou is not among the region choices");
  await screenshot("4-resource-template");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Escape");
  const text = await saveAndRead(file);
  assert.match(text, new RegExp(`"resource": \\["qcs::kms:${DEFAULT_REGION}:uin/${DEFAULT_UIN}:key/creatorUin/creatorUin/keyId"\\]\\n`));
});

test("policy with the json language checked", async () => {
  await openFile("plain-policy.json", "JSON");
  await page.locator(".monaco-editor .squiggly-error").first().waitFor({ timeout: SERVER_TIMEOUT });
  await page.locator(".markers-panel .monaco-list-row", { hasText: '"kms:ListKeys" is an operation-level API' }).waitFor({ timeout: UI_TIMEOUT });
});

test("show server log command", async () => {
  await runCommand("CAM Policy: Show Server Log");
  await page.locator(".part.panel .monaco-editor .view-lines", { hasText: /\S/ }).first().waitFor({ timeout: UI_TIMEOUT });
  const log = await waitFor("the server log to name the interpreter", () => {
    const text = serverLog();
    return text.includes("Using Python") && serverStarts() > 0 ? text : undefined;
  }, UI_TIMEOUT);
  assert.match(log, new RegExp(`Using Python 3\\.\\d+\\.\\d+ at ${goodPython.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(from setting\\)`));
  assert.match(log, /cam-policy-ls \d+\.\d+\.\d+ \(pygls 2\./);
});

test("restart server command", async () => {
  const startsBefore = serverStarts();
  await runCommand("CAM Policy: Restart Server");
  await waitFor("a new server start in the log", () => serverStarts() > startsBefore, SERVER_TIMEOUT);
});

test("too old interpreter gives one error", async () => {
  // Settings changed in the workspace's .vscode/settings.json apply at once; code-server
  // 4.100.3 does not notice a change of the user settings file made on disk.
  const workspaceSettings = path.join(workspace, ".vscode", "settings.json");
  fs.mkdirSync(path.dirname(workspaceSettings), { recursive: true });
  const startsBefore = serverStarts();
  fs.writeFileSync(workspaceSettings, JSON.stringify({ "camPolicy.server.pythonPath": createOldPython() }));
  const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "Python 3.8.10 is too old" });
  await toast.waitFor({ timeout: SERVER_TIMEOUT });
  const message = await toast.locator(".notification-list-item-message").innerText();
  assert.match(
    message,
    /^The CAM policy language server cannot start: camPolicy\.server\.pythonPath ".*python3\.8": Python 3\.8\.10 is too old\. Set camPolicy\.server\.pythonPath to the path of a Python 3\.10 or newer, or clear it/,
  );
  await screenshot("5-old-python");

  // Removing the bad path restarts the server with the user setting; one toast and one logged error show that nothing was retried.
  fs.writeFileSync(workspaceSettings, "{}");
  await waitFor("the server to start again", () => serverStarts() > startsBefore, SERVER_TIMEOUT);
  assert.equal(await toast.count(), 1);
  assert.equal(count(serverLog(), "cannot start:"), 1);
});

test("server exiting at start not restarted", async () => {
  const workspaceSettings = path.join(workspace, ".vscode", "settings.json");
  const startsBefore = serverStarts();
  fs.writeFileSync(workspaceSettings, JSON.stringify({ "camPolicy.server.args": ["--no-such-option"] }));
  const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "couldn't create connection to server" });
  await toast.waitFor({ timeout: SERVER_TIMEOUT });
  const log = await waitFor("the log to say that the server is not restarted", () => {
    const text = serverLog();
    return text.includes("so it is not restarted") ? text : undefined;
  }, UI_TIMEOUT);
  assert.equal(count(log, "unrecognized arguments: --no-such-option"), 1);

  fs.writeFileSync(workspaceSettings, "{}");
  await waitFor("the server to start again", () => serverStarts() > startsBefore, SERVER_TIMEOUT);
  assert.equal(count(serverLog(), "unrecognized arguments: --no-such-option"), 1);
});

test("no request left this machine", () => {
  assert.deepEqual(nonLoopbackRequests, []);
});
