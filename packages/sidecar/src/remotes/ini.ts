// A small line-preserving INI document, the dialect rclone and the AWS CLI share
// (`key = value`, `[section]`, `#`/`;` comments). Written here rather than taken
// from the `ini` package because that one splits section names on dots and drops
// comments, and the AWS SDK's loader silently drops bad lines: we need per-line
// errors with line numbers now and byte-preserving edits later.
import { LINE_END, splitLines } from './ini-text.js';

export interface IIniEntry {
  key: string;
  value: string;
  /** 1-based line number. */
  line: number;
  /**
   * An indented line right below `key =` (empty value) or another such line:
   * an AWS sub-property (e.g. under `s3 =`). Other indented lines are plain
   * keys, as rclone reads them.
   */
  subProperty: boolean;
}

export interface IIniError {
  /** 1-based line number. */
  line: number;
  message: string;
  /** The section the bad line is in; absent before the first section. */
  section?: string;
}

export class IniSection {
  readonly entries: IIniEntry[] = [];
  readonly errors: IIniError[] = [];

  constructor(
    readonly name: string,
    readonly line: number
  ) {}

  /** The value of a top-level key (the last one wins, as in rclone and the AWS CLI). */
  get(key: string): string | undefined {
    const wanted = key.toLowerCase();
    let value: string | undefined;
    for (const entry of this.entries) {
      if (!entry.subProperty && entry.key.toLowerCase() === wanted) {
        value = entry.value;
      }
    }
    return value;
  }

  /**
   * The indented sub-properties that follow `key =` (the AWS config form
   * `s3 =\n  endpoint_url = ...`), as a map with lower-case keys.
   */
  subProperties(key: string): Map<string, string> {
    const wanted = key.toLowerCase();
    const result = new Map<string, string>();
    let inside = false;
    for (const entry of this.entries) {
      if (!entry.subProperty) {
        inside = entry.key.toLowerCase() === wanted && entry.value === '';
      } else if (inside) {
        result.set(entry.key.toLowerCase(), entry.value);
      }
    }
    return result;
  }
}

/** One line as the editor sees it. */
export interface ILineInfo {
  kind: 'blank' | 'comment' | 'section' | 'entry' | 'invalid';
  /** With its line ending. */
  text: string;
  /** For a section header: its name. */
  section?: string;
  /** For an entry: its key. */
  key?: string;
  subProperty?: boolean;
}

type Line =
  | { kind: 'blank' | 'comment'; text: string }
  | { kind: 'section'; text: string; section: IniSection }
  | { kind: 'entry'; text: string; entry: IIniEntry }
  | { kind: 'invalid'; text: string; error: IIniError };

const SECTION = /^\s*\[(.*)\]\s*$/;
const COMMENT = /^\s*[#;]/;

export class IniDocument {
  /** Every line with its own line ending, so the text can be rebuilt byte for byte. */
  private readonly lines: Line[] = [];
  readonly sections: IniSection[] = [];
  readonly errors: IIniError[] = [];

  static parse(text: string): IniDocument {
    const doc = new IniDocument();
    // Every piece keeps its ending ('\n', '\r\n' or a lone '\r'). A lone '\r'
    // ends a line as it does for botocore: read as part of a value, it would
    // hide from us a section that the AWS CLI sees (and may run).
    const pieces = splitLines(text);
    let current: IniSection | undefined;
    // Whether indented lines below belong to a `key =` line as sub-properties.
    let parentOpen = false;
    pieces.forEach((raw, index) => {
      const line = index + 1;
      let content = raw.replace(LINE_END, '');
      if (index === 0) {
        content = content.replace(/^\uFEFF/, '');
      }
      const fail = (message: string): void => {
        const error: IIniError = { line, message };
        if (current) {
          error.section = current.name;
          current.errors.push(error);
        }
        doc.errors.push(error);
        doc.lines.push({ kind: 'invalid', text: raw, error });
      };
      if (content.trim() === '') {
        doc.lines.push({ kind: 'blank', text: raw });
        return;
      }
      if (COMMENT.test(content)) {
        doc.lines.push({ kind: 'comment', text: raw });
        return;
      }
      const header = SECTION.exec(content);
      if (header) {
        const name = header[1].trim();
        if (name === '') {
          current = undefined;
          fail(`line ${line}: a section header with no name`);
          return;
        }
        current = new IniSection(name, line);
        parentOpen = false;
        doc.sections.push(current);
        doc.lines.push({ kind: 'section', text: raw, section: current });
        return;
      }
      if (content.trimStart().startsWith('[')) {
        // Start a (broken) section anyway, so the keys below it are not
        // mistaken for keys of the section above.
        current = new IniSection(content.trim().slice(1).trim(), line);
        doc.sections.push(current);
        fail(`line ${line}: a section header without its closing ']'`);
        return;
      }
      const equals = content.indexOf('=');
      if (equals < 0) {
        fail(`line ${line}: expected 'key = value', a [section] or a comment`);
        return;
      }
      const key = content.slice(0, equals).trim();
      if (key === '') {
        fail(`line ${line}: a value with no key before '='`);
        return;
      }
      if (!current) {
        fail(`line ${line}: '${key}' is outside any [section]`);
        return;
      }
      const value = content.slice(equals + 1).trim();
      const subProperty = parentOpen && /^\s/.test(content);
      if (!subProperty) {
        parentOpen = value === '';
      }
      const entry: IIniEntry = { key, value, line, subProperty };
      current.entries.push(entry);
      doc.lines.push({ kind: 'entry', text: raw, entry });
    });
    return doc;
  }

  /** The sections of that name, in file order (a name may appear twice). */
  section(name: string): IniSection[] {
    return this.sections.filter(section => section.name === name);
  }

  /** What each line is, in order (the editor in ini-edit.ts works on these). */
  lineInfo(): ILineInfo[] {
    return this.lines.map(line => {
      switch (line.kind) {
        case 'section':
          return {
            kind: 'section',
            text: line.text,
            section: line.section.name
          };
        case 'entry':
          return {
            kind: 'entry',
            text: line.text,
            key: line.entry.key,
            subProperty: line.entry.subProperty
          };
        default:
          return { kind: line.kind, text: line.text };
      }
    });
  }

  /** The document as text, identical to what was parsed until edits exist. */
  toString(): string {
    return this.lines.map(line => line.text).join('');
  }
}
