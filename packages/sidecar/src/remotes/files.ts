// Reading the user's config files: a missing file is normal (nothing
// configured), any other failure is a problem to report, never a crash.
import { readFileSync } from 'node:fs';
import type { IConfigProblem, RemoteSource } from '@jupyter-buckets/core';
import { IniDocument, type IniSection } from './ini.js';

// How rclone reads values; the backends read their settings the same way.
export { expandHome, isTrue, normalizeEndpoint } from '../backends/config.js';

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
