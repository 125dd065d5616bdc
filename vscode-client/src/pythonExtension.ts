// Reading the selected interpreter from the API of the Python extension
// (ms-python.python). The API object is checked at run time, field by field,
// because the extension may be missing, old, or still starting.
// This module does not import vscode, so the unit tests pass fake API objects.

export const PYTHON_EXTENSION_ID = "ms-python.python";

/** Time allowed for the Python extension to become ready before it is skipped. */
export const PYTHON_API_TIMEOUT_MS = 10000;

export interface Disposable {
  dispose(): unknown;
}

type AnyFunction = (...args: unknown[]) => unknown;

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function method(value: unknown, name: string): AnyFunction | undefined {
  const candidate = field(value, name);
  return typeof candidate === "function" ? (candidate as AnyFunction).bind(value) : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** Resolve with the promise's value, or with undefined once the timeout passes. */
export function withTimeout<T>(promise: Promise<T>, milliseconds: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), milliseconds);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Return the active environment's executable from the environments API. */
async function fromEnvironmentsApi(environments: unknown, resource: unknown): Promise<string | undefined> {
  const getActive = method(environments, "getActiveEnvironmentPath");
  if (getActive === undefined) {
    return undefined;
  }
  const active = getActive(resource);
  const resolve = method(environments, "resolveEnvironment");
  if (resolve !== undefined) {
    const resolved = await resolve(active);
    const executable = nonEmptyString(field(field(field(resolved, "executable"), "uri"), "fsPath"));
    if (executable !== undefined) {
      return executable;
    }
  }
  return nonEmptyString(field(active, "path"));
}

/**
 * Return the interpreter from the older settings API. Its execCommand can be a
 * command with arguments (such as `conda run -n env python`), which cannot be
 * used as a single executable, so only a one-element command is taken.
 */
function fromSettingsApi(settings: unknown, resource: unknown): string | undefined {
  const getDetails = method(settings, "getExecutionDetails");
  if (getDetails === undefined) {
    return undefined;
  }
  const command = field(getDetails(resource), "execCommand");
  if (Array.isArray(command) && command.length === 1) {
    return nonEmptyString(command[0]);
  }
  return undefined;
}

/**
 * Return the interpreter that the Python extension selected for the resource,
 * or undefined when its API gives none. Waits for the API's `ready` promise
 * for at most PYTHON_API_TIMEOUT_MS.
 */
export async function interpreterFromPythonApi(
  api: unknown,
  resource: unknown,
  timeoutMs: number = PYTHON_API_TIMEOUT_MS,
): Promise<string | undefined> {
  const ready = field(api, "ready");
  if (ready instanceof Promise) {
    await withTimeout(ready, timeoutMs);
  }
  const fromEnvironments = await withTimeout(fromEnvironmentsApi(field(api, "environments"), resource), timeoutMs);
  return fromEnvironments ?? fromSettingsApi(field(api, "settings"), resource);
}

/** Call the listener when the Python extension's selected interpreter changes; undefined when the API has no such event. */
export function onInterpreterChange(api: unknown, listener: () => void): Disposable | undefined {
  const subscribe =
    method(field(api, "environments"), "onDidChangeActiveEnvironmentPath") ??
    method(field(api, "settings"), "onDidChangeExecutionDetails");
  if (subscribe === undefined) {
    return undefined;
  }
  const subscription = subscribe(() => listener());
  return method(subscription, "dispose") !== undefined ? (subscription as Disposable) : undefined;
}
