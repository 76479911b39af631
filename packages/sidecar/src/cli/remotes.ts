// `jupyter-buckets remotes list`: the remotes as a table for people, or JSON.
import type { IRemoteList } from '@jupyter-buckets/core';

export async function listRemotes(options: { json?: boolean }): Promise<void> {
  // Discovery knows the providers, so it loads them: only when asked.
  const { discoverRemotes, publicRemoteList } =
    await import('../remotes/discover.js');
  const list = publicRemoteList(discoverRemotes());
  if (options.json) {
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `${list.remotes.length ? remotesTable(list) : 'No remotes found.'}\n`
  );
  if (list.problems.length) {
    process.stderr.write(`${problemsText(list)}\n`);
  }
}

export function remotesTable(list: IRemoteList): string {
  const rows = [
    ['NAME', 'PROVIDER', 'SOURCES', 'ENDPOINT'],
    ...list.remotes.map(r => [
      r.name,
      r.provider,
      r.sources.join('+'),
      r.endpoint ?? '(default)'
    ])
  ];
  const widths = rows[0].map((_, column) =>
    Math.max(...rows.map(row => row[column].length))
  );
  return rows
    .map(row =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd()
    )
    .join('\n');
}

export function problemsText(list: IRemoteList): string {
  return list.problems
    .map(
      p => `problem: ${p.file}${p.remote ? ` [${p.remote}]` : ''}: ${p.message}`
    )
    .join('\n');
}
