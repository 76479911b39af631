// Reading the user's config files: a missing file is normal (nothing
// configured), any other failure is a problem to report, never a crash.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { IConfigProblem, RemoteSource } from '@jupyter-buckets/core';
import { IniDocument, type IniSection } from './ini.js';

export function expandHome(path: string): string {
  if (path === '~') {
    return homedir();
  }
  if (path.startsWith('~/')) {
    return join(homedir(), path.slice(2));
  }
  return path;
}

/** The parsed file, or undefined when it does not exist or cannot be read. */
export function readIni(
  file: string,
  source: RemoteSource,
  problems: IConfigProblem[]
): IniDocument | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') {
      problems.push({
        source,
        file,
        message: `Cannot read the file: ${code ?? String(error)}`
      });
    }
    return undefined;
  }
  const doc = IniDocument.parse(text);
  for (const error of doc.errors) {
    // Errors inside a section are reported with that section (see sectionProblem).
    if (error.section === undefined) {
      problems.push({ source, file, message: error.message });
    }
  }
  return doc;
}

/** A problem for a section whose lines could not all be parsed, or undefined if it is fine. */
export function sectionProblem(
  section: IniSection,
  remote: string,
  source: RemoteSource,
  file: string
): IConfigProblem | undefined {
  if (section.errors.length === 0) {
    return undefined;
  }
  return {
    source,
    file,
    remote,
    message: section.errors.map(error => error.message).join('; ')
  };
}

export function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(true|yes|on|1)$/i.test(value);
}

/** rclone allows an endpoint without a scheme; the SDKs need one. */
export function normalizeEndpoint(
  endpoint: string | undefined
): string | undefined {
  if (!endpoint) {
    return undefined;
  }
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)
    ? endpoint
    : `https://${endpoint}`;
}
