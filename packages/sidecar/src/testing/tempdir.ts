// A temporary folder per test, removed afterwards.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface ITempDir {
  path: string;
  /** Write `text` at a path relative to the folder; returns the absolute path. */
  write(relative: string, text: string): string;
  remove(): void;
}

export function tempDir(): ITempDir {
  const path = mkdtempSync(join(tmpdir(), 'jb-sidecar-test-'));
  return {
    path,
    write(relative, text) {
      const file = join(path, relative);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(path, { recursive: true, force: true })
  };
}
