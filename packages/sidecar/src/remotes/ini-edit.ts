// Edits on an INI text that touch only the lines they must: every other byte
// (comments, order, spacing, unknown keys, foreign sections, CRLF endings, a
// missing final newline) stays as it was. Callers refuse documents with
// errors first (see IniDocument.errors): this never repairs a file.
// Whatever its callers checked, it writes nothing that could read back as
// more lines, or differently, than it was given (see ini-text.ts).
import { ApiError } from '../api-error.js';
import { IniDocument, type ILineInfo } from './ini.js';
import { LINE_END, splitLines, unsafeIniChar } from './ini-text.js';

/** A section name, key or value the editor will not write. */
export class IniWriteError extends ApiError {
  constructor(message: string) {
    super(
      'invalid_request',
      message,
      'Nothing was written. Give the value on one line, without control characters.'
    );
    this.name = 'IniWriteError';
  }
}

type Part = 'section name' | 'key' | 'value';

/**
 * Refuse what would not read back as written: line breaks and control
 * characters anywhere; padding the reader trims; a key the reader would take
 * for a section, a comment or a split at '='; a section name with ']'.
 * Messages name the part and the key, never the value (it may be a secret).
 */
function assertWritable(part: Part, text: string, key?: string): void {
  const where = key === undefined ? `a ${part}` : `the value of ${key}`;
  const refuse = (why: string): never => {
    throw new IniWriteError(
      `Refusing to write ${where} into a config file: ${why}.`
    );
  };
  const bad = unsafeIniChar(text);
  if (bad !== undefined) {
    refuse(`it contains a line break or control character (${bad})`);
  }
  if (text.trim() !== text) {
    refuse('it starts or ends with a space');
  }
  if (part === 'value') {
    return;
  }
  if (text === '') {
    refuse('it is empty');
  }
  if (part === 'key' && (/^[[#;]/.test(text) || text.includes('='))) {
    refuse("a key cannot start with '[', '#' or ';', nor contain '='");
  }
  if (part === 'section name' && /[[\]]/.test(text)) {
    refuse("a section name cannot contain '[' or ']'");
  }
}

function assertEntry(key: string, value: string): void {
  assertWritable('key', key);
  assertWritable('value', value, key);
}

interface IRange {
  /** Index of the `[name]` line. */
  start: number;
  /** Index of the next section header, or the line count. */
  end: number;
  /** Index of the last key line in the section (the header when it has none). */
  last: number;
}

const HEADER = /^(\s*)\[.*\](\s*)$/;

export class IniEditor {
  private lines: string[];
  /** The line ending new lines get: the file's own ('\r\n' if its first line has one). */
  private readonly eol: string;

  constructor(text: string) {
    // The same lines as the reader sees (a lone '\r' ends one too).
    this.lines = splitLines(text);
    const first = this.lines.find(line => line.endsWith('\n'));
    // Never a lone '\r' for new lines: readers disagree on it.
    this.eol = first?.endsWith('\r\n') ? '\r\n' : '\n';
  }

  toString(): string {
    return this.lines.join('');
  }

  private info(): ILineInfo[] {
    return IniDocument.parse(this.toString()).lineInfo();
  }

  private ranges(name: string): IRange[] {
    const info = this.info();
    const result: IRange[] = [];
    let current: IRange | undefined;
    info.forEach((line, index) => {
      if (line.kind === 'section') {
        if (current) {
          current.end = index;
        }
        current = undefined;
        if (line.section === name) {
          current = { start: index, end: info.length, last: index };
          result.push(current);
        }
      } else if (current && line.kind === 'entry') {
        current.last = index;
      }
    });
    return result;
  }

  hasSection(name: string): boolean {
    return this.ranges(name).length > 0;
  }

  /** Insert whole lines (without endings) before index `at`, keeping a missing final newline missing. */
  private insert(at: number, texts: string[]): void {
    if (texts.length === 0) {
      return;
    }
    const atEnd = at === this.lines.length;
    const previous = this.lines[at - 1];
    const added = texts.map(text => `${text}${this.eol}`);
    if (atEnd && previous !== undefined && !LINE_END.test(previous)) {
      this.lines[at - 1] = `${previous}${this.eol}`;
      added[added.length - 1] = texts[texts.length - 1];
    }
    this.lines.splice(at, 0, ...added);
  }

  /** Set `key = value` in the (last) section `section`, creating the section if needed. */
  set(section: string, key: string, value: string): void {
    assertWritable('section name', section);
    assertEntry(key, value);
    const ranges = this.ranges(section);
    if (ranges.length === 0) {
      this.addSection(section, [[key, value]]);
      return;
    }
    const range = ranges[ranges.length - 1];
    const info = this.info();
    const wanted = key.toLowerCase();
    let found = -1;
    for (let index = range.start + 1; index < range.end; index++) {
      const line = info[index];
      if (
        line.kind === 'entry' &&
        !line.subProperty &&
        line.key?.toLowerCase() === wanted
      ) {
        found = index;
      }
    }
    if (found < 0) {
      this.insert(range.last + 1, [`${key} = ${value}`]);
      return;
    }
    const raw = this.lines[found];
    const ending = LINE_END.exec(raw)?.[0] ?? '';
    const content = raw.slice(0, raw.length - ending.length);
    const equals = content.indexOf('=');
    const spacing = /^[ \t]*/.exec(content.slice(equals + 1))?.[0] ?? '';
    const prefix = content.slice(0, equals + 1) + (spacing || ' ');
    this.lines[found] = `${prefix}${value}${ending}`;
  }

  /** Remove every top-level `key` (and its indented sub-properties) from every section `section`. */
  remove(section: string, key: string): void {
    const wanted = key.toLowerCase();
    for (const range of this.ranges(section).reverse()) {
      const info = this.info();
      const drop = new Set<number>();
      let inside = false;
      for (let index = range.start + 1; index < range.end; index++) {
        const line = info[index];
        if (line.kind !== 'entry') {
          continue;
        }
        if (!line.subProperty) {
          inside = line.key?.toLowerCase() === wanted;
        }
        if (inside) {
          drop.add(index);
        }
      }
      this.lines = this.lines.filter((_, index) => !drop.has(index));
    }
  }

  /** Set or remove (undefined) several keys at once. */
  assign(section: string, values: Record<string, string | undefined>): void {
    // All or nothing: check every entry before the first is written.
    assertWritable('section name', section);
    for (const [key, value] of Object.entries(values)) {
      assertWritable('key', key);
      if (value !== undefined) {
        assertWritable('value', value, key);
      }
    }
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) {
        this.remove(section, key);
      } else {
        this.set(section, key, value);
      }
    }
  }

  /** Append `[name]` with its keys at the end, after a blank line. */
  addSection(name: string, entries: [string, string][]): void {
    assertWritable('section name', name);
    for (const [key, value] of entries) {
      assertEntry(key, value);
    }
    const texts = [`[${name}]`, ...entries.map(([k, v]) => `${k} = ${v}`)];
    const last = this.lines[this.lines.length - 1];
    if (last !== undefined && last.trim() !== '') {
      texts.unshift('');
    }
    this.insert(this.lines.length, texts);
  }

  /**
   * Remove every section `name`: its header and lines down to its last key,
   * and the blank lines after it. Comments further down (they usually
   * describe the next section) stay.
   */
  removeSection(name: string): void {
    for (const range of this.ranges(name).reverse()) {
      let stop = range.last + 1;
      while (stop < range.end && this.lines[stop].trim() === '') {
        stop++;
      }
      let start = range.start;
      if (stop === this.lines.length) {
        // At the end of the file: also drop the blank lines that separated it.
        while (start > 0 && this.lines[start - 1].trim() === '') {
          start--;
        }
      }
      this.lines.splice(start, stop - start);
    }
  }

  /** Rename every section `from` to `to`, keeping the header's spacing and line ending. */
  renameSection(from: string, to: string): void {
    assertWritable('section name', to);
    for (const range of this.ranges(from)) {
      const raw = this.lines[range.start];
      const ending = LINE_END.exec(raw)?.[0] ?? '';
      const content = raw.slice(0, raw.length - ending.length);
      const match = HEADER.exec(content);
      this.lines[range.start] =
        `${match?.[1] ?? ''}[${to}]${match?.[2] ?? ''}${ending}`;
    }
  }
}
