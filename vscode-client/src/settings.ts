// The extension's settings, read through a getter so that this module does not
// import vscode and the unit tests can pass plain objects.

import * as path from "path";

/** Settings section that the server reads from initializationOptions and workspace/configuration. */
export const SECTION = "camPolicy";

/** Changing a setting under this prefix restarts the server, because it changes the command line. */
export const SERVER_SECTION = `${SECTION}.server`;

/** Returns the value of a setting relative to the camPolicy section, such as "server.pythonPath". */
export type SettingGetter = (key: string) => unknown;

export interface ServerSettings {
  pythonPath: string;
  args: string[];
}

/** The settings that the server reads, as sent in initializationOptions. */
export interface AnalysisSettings {
  defaultUin?: string;
  defaultRegion?: string;
  inlayHints: boolean;
  extraCatalogs?: string[];
}

function trimmedString(value: unknown): string {
  return typeof value === "string" ? value.trim() : "";
}

export function readServerSettings(get: SettingGetter): ServerSettings {
  const args = get("server.args");
  return {
    pythonPath: trimmedString(get("server.pythonPath")),
    args: Array.isArray(args) ? args.filter((arg): arg is string => typeof arg === "string") : [],
  };
}

/**
 * Build the analysis settings. Empty strings are left out. Other values are
 * passed as they are, because the server validates them and reports an
 * invalid one once with the value at fault.
 */
export function readAnalysisSettings(get: SettingGetter): AnalysisSettings {
  const settings: AnalysisSettings = { inlayHints: true };
  const uin = get("defaultUin");
  if (typeof uin === "number") {
    settings.defaultUin = String(uin);
  } else if (trimmedString(uin) !== "") {
    settings.defaultUin = trimmedString(uin);
  }
  const region = trimmedString(get("defaultRegion"));
  if (region !== "") {
    settings.defaultRegion = region;
  }
  const inlayHints = get("inlayHints");
  if (typeof inlayHints === "boolean") {
    settings.inlayHints = inlayHints;
  }
  const extraCatalogs = get("extraCatalogs");
  if (Array.isArray(extraCatalogs) && extraCatalogs.length > 0) {
    settings.extraCatalogs = extraCatalogs;
  }
  return settings;
}

/** Build the initializationOptions of the initialize request: the settings under their section name. */
export function initializationOptions(get: SettingGetter): { [SECTION]: AnalysisSettings } {
  return { [SECTION]: readAnalysisSettings(get) };
}

export interface ServerCommand {
  command: string;
  args: string[];
  /** Working folder of the server process. */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Build the command line and environment that start the bundled server with
 * the chosen interpreter. The bundled libraries come first on PYTHONPATH so
 * that they win over other versions installed for that interpreter.
 * The working folder is the bundled libraries too: `python -m` puts the
 * working folder first on sys.path, and a workspace folder there could
 * shadow the server's modules with files of the same name.
 */
export function serverCommand(
  python: string,
  libsDir: string,
  extraArgs: string[],
  baseEnv: NodeJS.ProcessEnv,
  delimiter: string = path.delimiter,
): ServerCommand {
  const existing = baseEnv.PYTHONPATH;
  const pythonPath = existing ? `${libsDir}${delimiter}${existing}` : libsDir;
  return {
    command: python,
    // The server also sends its log as window/logMessage, which the client writes to the
    // same output channel as stderr, so stderr carries only warnings and errors.
    args: ["-m", "cam_policy_ls", "serve", "--stderr-log-level", "WARNING", ...extraArgs],
    cwd: libsDir,
    env: { ...baseEnv, PYTHONPATH: pythonPath, PYTHONUNBUFFERED: "1", PYTHONIOENCODING: "utf-8" },
  };
}
