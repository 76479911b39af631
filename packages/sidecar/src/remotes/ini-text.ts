// What may go into a line of an INI file (AWS credentials and config,
// rclone.conf). The readers of those files do not agree on where a line ends
// (botocore splits at a lone '\r', the AWS SDK for JavaScript and rclone do
// not; editors and other tools also break at U+0085, U+2028, U+2029), so any
// such character in a value could start a line of its own, e.g. a
// `[profile x]` with a `credential_process` that is then run. One rule, used
// by the form checks (validate.ts, which name the field) and by the writer
// (ini-edit.ts, which refuses whatever its caller checked).

// C0 controls (with \t \n \v \f \r), DEL, C1 controls (with NEXT LINE U+0085),
// LINE SEPARATOR and PARAGRAPH SEPARATOR.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const NAMES: Record<string, string> = {
  '\t': 'tab',
  '\n': 'line feed',
  '\u000b': 'vertical tab',
  '\u000c': 'form feed',
  '\r': 'carriage return',
  '\u007f': 'delete',
  '\u0085': 'next line',
  '\u2028': 'line separator',
  '\u2029': 'paragraph separator'
};

/** `U+000A` for '\n': a character named without echoing the text around it. */
export function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The first character of `text` that must not go into an INI file, described
 * for a person (`U+000D, carriage return`), or undefined when there is none.
 */
export function unsafeIniChar(text: string): string | undefined {
  const found = UNSAFE.exec(text)?.[0];
  if (found === undefined) {
    return undefined;
  }
  return `${codePoint(found)}, ${NAMES[found] ?? 'a control character'}`;
}

/** Where a line of an INI file ends: '\r\n', '\n', or a lone '\r' (as Python reads it). */
export const LINE_END = /\r\n$|\n$|\r$/;

/** Split a text into lines that keep their endings, so that joining gives it back. */
export function splitLines(text: string): string[] {
  return text.length === 0 ? [] : text.split(/(?<=\n|\r(?!\n))/);
}
