// Where the sidecar's diagnostics go: one line each, to stderr by default.
// Callers pass only what is safe to show (never headers, never secrets).

export interface ILogger {
  info(line: string): void;
  error(line: string): void;
}

export const stderrLogger: ILogger = {
  info: line => process.stderr.write(`${line}\n`),
  error: line => process.stderr.write(`${line}\n`)
};

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: ILogger = {
  info: () => undefined,
  error: () => undefined
};
