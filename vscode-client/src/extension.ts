// VS Code wiring: finds a Python interpreter, starts the bundled cam-policy-ls
// server with it, and restarts the server when its settings change.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vscode from "vscode";
import {
  CloseAction,
  CloseHandlerResult,
  ErrorAction,
  ErrorHandler,
  ErrorHandlerResult,
  Executable,
  LanguageClient,
  LanguageClientOptions,
  Message,
} from "vscode-languageclient/node";
import {
  PYTHON_PATH_SETTING,
  expandPythonPath,
  formatVersion,
  interpreterCandidates,
  resolveInterpreter,
  runProbe,
} from "./interpreter";
import { PYTHON_EXTENSION_ID, interpreterFromPythonApi, onInterpreterChange } from "./pythonExtension";
import { SerialTask } from "./serial";
import {
  SECTION,
  SERVER_SECTION,
  SettingGetter,
  initializationOptions,
  readServerSettings,
  serverCommand,
} from "./settings";

/** Client id; vscode-languageclient reads the trace level from `${CLIENT_ID}.trace.server`. */
const CLIENT_ID = SECTION;
const CLIENT_NAME = "CAM Policy Language Server";
const LANGUAGES = ["cam-policy", "json", "jsonc"];
const STOP_TIMEOUT_MS = 2000;

let controller: ServerController | undefined;

export function activate(context: vscode.ExtensionContext): void {
  controller = new ServerController(context);
  context.subscriptions.push(
    vscode.commands.registerCommand("camPolicy.restartServer", () => controller?.restart("the Restart Server command")),
    vscode.commands.registerCommand("camPolicy.showServerLog", () => controller?.showLog()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SERVER_SECTION)) {
        void controller?.restart(`a change of the ${SERVER_SECTION} settings`);
      }
    }),
  );
  // Not awaited: finding the interpreter can wait for the Python extension, and activation should not.
  void controller.restart("activation");
}

export async function deactivate(): Promise<void> {
  const stopping = controller;
  controller = undefined;
  await stopping?.dispose();
}

function settingGetter(): SettingGetter {
  const configuration = vscode.workspace.getConfiguration(SECTION);
  return (key) => configuration.get(key);
}

class ServerController {
  private readonly output: vscode.OutputChannel;
  private readonly task: SerialTask;
  private client: LanguageClient | undefined;
  private pythonApiSubscription: { dispose(): unknown } | undefined;
  private disposed = false;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel(CLIENT_NAME);
    context.subscriptions.push(this.output);
    this.task = new SerialTask(
      () => this.startServer(),
      (error) => this.log(`Starting the server failed: ${describeError(error)}`),
    );
  }

  restart(reason: string): Promise<void> {
    if (this.disposed) {
      return Promise.resolve();
    }
    this.log(`Starting the server after ${reason}.`);
    return this.task.request();
  }

  showLog(): void {
    this.output.show(true);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.pythonApiSubscription?.dispose();
    await this.stopClient();
  }

  private log(message: string): void {
    this.output.appendLine(`[Extension - ${new Date().toLocaleTimeString()}] ${message}`);
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client === undefined) {
      return;
    }
    try {
      await client.stop(STOP_TIMEOUT_MS);
    } catch (error) {
      this.log(`Stopping the server failed: ${describeError(error)}`);
    }
  }

  private async startServer(): Promise<void> {
    await this.stopClient();

    const python = await this.findPython();
    // The extension can be deactivated while the interpreter is being probed.
    if (python === undefined || this.disposed) {
      return;
    }
    const libsDir = path.join(this.context.extensionPath, "bundled", "libs");
    if (!fs.existsSync(path.join(libsDir, "cam_policy_ls", "__init__.py"))) {
      this.showError(`The bundled language server is missing from ${libsDir}. Reinstall the CAM Policy extension.`);
      return;
    }

    const settings = readServerSettings(settingGetter());
    const command = serverCommand(python, libsDir, settings.args, process.env);
    this.log(`Running ${[command.command, ...command.args].join(" ")} with PYTHONPATH=${libsDir}`);
    const executable: Executable = { command: command.command, args: command.args, options: { cwd: command.cwd, env: command.env } };
    const errorHandler = new StartupErrorHandler();
    const clientOptions: LanguageClientOptions = {
      documentSelector: LANGUAGES.flatMap((language) => [
        { scheme: "file", language },
        { scheme: "untitled", language },
      ]),
      synchronize: { configurationSection: SECTION },
      initializationOptions: () => initializationOptions(settingGetter()),
      outputChannel: this.output,
      diagnosticCollectionName: "cam-policy",
      errorHandler,
      // Returning false stops the client without a second notification; start() still rejects.
      initializationFailedHandler: () => false,
    };
    const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, executable, clientOptions);
    errorHandler.afterStart = client.createDefaultErrorHandler();
    this.client = client;
    try {
      await client.start();
      errorHandler.started = true;
    } catch (error) {
      // vscode-languageclient has already shown an error notification with a button to this log.
      this.log(`The server failed to start: ${describeError(error)}`);
    }
  }

  /** Return the interpreter to run the server with, or undefined after telling the user why there is none. */
  private async findPython(): Promise<string | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const configured = expandPythonPath(readServerSettings(settingGetter()).pythonPath, {
      home: os.homedir(),
      workspaceFolder: folder?.uri.fsPath,
    });
    const fromPythonExtension = configured === "" ? await this.pythonExtensionInterpreter(folder?.uri) : undefined;
    const candidates = interpreterCandidates({ configured, fromPythonExtension, platform: process.platform });
    const resolution = await resolveInterpreter(candidates, runProbe);
    for (const line of resolution.tried) {
      this.log(`Skipped ${line}.`);
    }
    if (!resolution.ok) {
      this.showError(resolution.message, true);
      return undefined;
    }
    this.log(`Using Python ${formatVersion(resolution.version)} at ${resolution.command} (from ${resolution.source}).`);
    return resolution.command;
  }

  /** Return the Python extension's interpreter, or undefined when that extension is missing or gives none. */
  private async pythonExtensionInterpreter(resource: vscode.Uri | undefined): Promise<string | undefined> {
    const extension = vscode.extensions.getExtension(PYTHON_EXTENSION_ID);
    if (extension === undefined) {
      return undefined;
    }
    try {
      const api: unknown = extension.isActive ? extension.exports : await extension.activate();
      if (this.pythonApiSubscription === undefined) {
        this.pythonApiSubscription = onInterpreterChange(api, () => {
          if (readServerSettings(settingGetter()).pythonPath === "") {
            void this.restart("a change of the Python extension's interpreter");
          }
        });
      }
      return await interpreterFromPythonApi(api, resource);
    } catch (error) {
      this.log(`The Python extension gave no interpreter: ${describeError(error)}`);
      return undefined;
    }
  }

  private showError(message: string, offerSettings = false): void {
    this.log(message);
    const actions = offerSettings ? ["Open Settings", "Show Log"] : ["Show Log"];
    void vscode.window.showErrorMessage(message, ...actions).then((choice) => {
      if (choice === "Open Settings") {
        // Open the settings tab where the value is set: a workspace value is not shown in the User tab.
        const inspected = vscode.workspace.getConfiguration().inspect(PYTHON_PATH_SETTING);
        const inWorkspace = inspected?.workspaceFolderValue !== undefined || inspected?.workspaceValue !== undefined;
        const command = inWorkspace ? "workbench.action.openWorkspaceSettings" : "workbench.action.openSettings";
        void vscode.commands.executeCommand(command, PYTHON_PATH_SETTING);
      } else if (choice === "Show Log") {
        this.showLog();
      }
    });
  }
}

/**
 * Error handler that never restarts a server which exits before it finished
 * starting, such as one that rejects its arguments: a restart would fail the
 * same way. Once the server has started, vscode-languageclient's default
 * handler applies, which restarts a crashed server up to 4 times in 3 minutes.
 */
class StartupErrorHandler implements ErrorHandler {
  started = false;
  afterStart: ErrorHandler | undefined;

  error(error: Error, message: Message | undefined, count: number | undefined): ErrorHandlerResult | Promise<ErrorHandlerResult> {
    if (this.started && this.afterStart !== undefined) {
      return this.afterStart.error(error, message, count);
    }
    return { action: ErrorAction.Shutdown, handled: true };
  }

  closed(): CloseHandlerResult | Promise<CloseHandlerResult> {
    if (this.started && this.afterStart !== undefined) {
      return this.afterStart.closed();
    }
    return {
      action: CloseAction.DoNotRestart,
      message:
        "The server exited before it finished starting, so it is not restarted. The lines above show why. " +
        "Fix the cause, then run CAM Policy: Restart Server.",
      handled: true,
    };
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
