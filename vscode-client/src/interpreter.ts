// Choosing and checking the Python interpreter that runs the language server.
// This module does not import vscode, so the unit tests run it under plain Node.

import { execFile } from "child_process";
import * as path from "path";

export const MINIMUM_PYTHON: PythonVersion = { major: 3, minor: 10, micro: 0 };

/** Setting that names the interpreter. Every error message gives it as the fix. */
export const PYTHON_PATH_SETTING = "camPolicy.server.pythonPath";

/** Arguments that make any Python, 2.7 included, print its version as `major.minor.micro`. */
export const VERSION_PROBE_ARGS = ["-c", "import sys; print('%d.%d.%d' % tuple(sys.version_info[:3]))"];

/** Time allowed for the version probe; a cold start of a Python on a slow disk takes about a second. */
export const PROBE_TIMEOUT_MS = 15000;

export interface PythonVersion {
  major: number;
  minor: number;
  micro: number;
}

/** Origin of an interpreter candidate; candidates are tried in this order. */
export type CandidateSource = "setting" | "python-extension" | "path";

export interface Candidate {
  command: string;
  source: CandidateSource;
}

export interface ProbeOutput {
  stdout: string;
  stderr: string;
  /** Set when the process could not be started, timed out, or exited with a non-zero code. */
  error?: { code?: string | number; message: string };
}

/** Runs a command with arguments and collects its output; replaced by a fake in the unit tests. */
export type ProbeRunner = (command: string, args: string[]) => Promise<ProbeOutput>;

export type Resolution =
  | { ok: true; command: string; version: PythonVersion; source: CandidateSource; tried: string[] }
  | { ok: false; message: string; tried: string[] };

/**
 * Parse the output of the version probe, or of `python --version`.
 * Returns undefined when no line is a version, for example when a
 * wrapper script printed only an error.
 */
export function parsePythonVersion(output: string): PythonVersion | undefined {
  const lines = output.split(/\r?\n/).map((line) => line.trim()).reverse();
  for (const line of lines) {
    const match = /^(?:Python\s+)?(\d+)\.(\d+)(?:\.(\d+))?(?:[a-z]+\d*)?\+?$/i.exec(line);
    if (match) {
      return { major: Number(match[1]), minor: Number(match[2]), micro: Number(match[3] ?? 0) };
    }
  }
  return undefined;
}

export function formatVersion(version: PythonVersion): string {
  return `${version.major}.${version.minor}.${version.micro}`;
}

export function isSupportedVersion(version: PythonVersion, minimum: PythonVersion = MINIMUM_PYTHON): boolean {
  if (version.major !== minimum.major) {
    return version.major > minimum.major;
  }
  return version.minor >= minimum.minor;
}

export interface ExpandContext {
  home: string;
  /** File system path of the first workspace folder, if a folder is open. */
  workspaceFolder?: string;
}

/**
 * Expand `~` at the start and `${workspaceFolder}` and `${userHome}` anywhere in a configured path.
 * A relative path that contains a separator is taken relative to the workspace folder, so
 * `.venv/bin/python` works. A bare name such as `python3.12` is left for the PATH lookup.
 */
export function expandPythonPath(value: string, context: ExpandContext): string {
  let expanded = value.trim();
  expanded = expanded.replace(/\$\{userHome\}/g, context.home);
  if (context.workspaceFolder !== undefined) {
    expanded = expanded.replace(/\$\{workspaceFolder\}/g, context.workspaceFolder);
  }
  if (expanded === "~") {
    expanded = context.home;
  } else if (expanded.startsWith("~/") || expanded.startsWith("~\\")) {
    expanded = path.join(context.home, expanded.slice(2));
  }
  const hasSeparator = expanded.includes("/") || expanded.includes("\\");
  if (hasSeparator && !path.isAbsolute(expanded) && context.workspaceFolder !== undefined) {
    expanded = path.join(context.workspaceFolder, expanded);
  }
  return expanded;
}

export interface CandidateInputs {
  /** The camPolicy.server.pythonPath setting, already expanded; empty when unset. */
  configured: string;
  /** The Python extension's interpreter for the workspace, when that extension is installed and has one. */
  fromPythonExtension?: string;
  platform: NodeJS.Platform;
}

/**
 * List the interpreters to try, in order. A configured path is the only
 * candidate, because the user chose it: falling back would hide a typo.
 */
export function interpreterCandidates(inputs: CandidateInputs): Candidate[] {
  if (inputs.configured !== "") {
    return [{ command: inputs.configured, source: "setting" }];
  }
  const candidates: Candidate[] = [];
  if (inputs.fromPythonExtension) {
    candidates.push({ command: inputs.fromPythonExtension, source: "python-extension" });
  }
  const onPath = inputs.platform === "win32" ? ["python", "py"] : ["python3", "python"];
  for (const command of onPath) {
    candidates.push({ command, source: "path" });
  }
  return candidates;
}

function describeSource(candidate: Candidate): string {
  switch (candidate.source) {
    case "setting":
      return `${PYTHON_PATH_SETTING} "${candidate.command}"`;
    case "python-extension":
      return `the Python extension's interpreter "${candidate.command}"`;
    case "path":
      return `"${candidate.command}" on PATH`;
  }
}

function describeFailure(output: ProbeOutput): string {
  const code = output.error?.code;
  if (code === "ENOENT") {
    return "not found";
  }
  if (code === "EACCES") {
    return "not executable";
  }
  if (code === "ETIMEDOUT") {
    return `did not answer within ${PROBE_TIMEOUT_MS / 1000} s`;
  }
  const detail = (output.stderr.trim().split(/\r?\n/).pop() ?? "").trim() || output.error?.message || "no version printed";
  return `failed: ${detail}`;
}

/**
 * Try each candidate in order and return the first that runs Python 3.10 or
 * newer, or one error message that lists what was tried and how to fix it.
 */
export async function resolveInterpreter(candidates: Candidate[], run: ProbeRunner): Promise<Resolution> {
  const tried: string[] = [];
  for (const candidate of candidates) {
    const output = await run(candidate.command, VERSION_PROBE_ARGS);
    const version = output.error === undefined ? parsePythonVersion(output.stdout) : undefined;
    if (version === undefined) {
      tried.push(`${describeSource(candidate)}: ${describeFailure(output)}`);
      continue;
    }
    if (!isSupportedVersion(version)) {
      tried.push(`${describeSource(candidate)}: Python ${formatVersion(version)} is too old`);
      continue;
    }
    return { ok: true, command: candidate.command, version, source: candidate.source, tried };
  }
  return { ok: false, message: noInterpreterMessage(candidates, tried), tried };
}

export function noInterpreterMessage(candidates: Candidate[], tried: string[]): string {
  const minimum = `${MINIMUM_PYTHON.major}.${MINIMUM_PYTHON.minor}`;
  const fix = `Set ${PYTHON_PATH_SETTING} to the path of a Python ${minimum} or newer, then the server restarts.`;
  if (candidates.length === 1 && candidates[0].source === "setting") {
    return (
      `The CAM policy language server cannot start: ${tried[0]}. ` +
      `Set ${PYTHON_PATH_SETTING} to the path of a Python ${minimum} or newer, or clear it to use python3 on PATH; ` +
      `the server then restarts.`
    );
  }
  return `The CAM policy language server cannot start: no Python ${minimum} or newer was found (${tried.join("; ")}). ${fix}`;
}

/** Run a command with child_process.execFile, with a timeout and no shell. */
export const runProbe: ProbeRunner = (command, args) =>
  new Promise((resolve) => {
    execFile(command, args, { timeout: PROBE_TIMEOUT_MS, windowsHide: true }, (error, stdout, stderr) => {
      if (error === null) {
        resolve({ stdout, stderr });
        return;
      }
      const timedOut = error.killed === true && error.signal !== null;
      resolve({
        stdout,
        stderr,
        error: { code: timedOut ? "ETIMEDOUT" : error.code ?? undefined, message: error.message },
      });
    });
  });
