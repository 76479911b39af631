// `jupyter-buckets remotes list`: the remotes as a table for people, or JSON.
import type { IRemote, IRemoteList } from '@jupyter-buckets/core';

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

/** The admin's rules in a few words: 'read-only', 'writes under a/b/', 'purged after 7 days'. */
function rulesText(policy: IRemote['policy']): string {
  if (!policy) {
    return '';
  }
  const rules: string[] = [];
  if (policy.readOnly) {
    rules.push('read-only');
  } else if (policy.writablePrefixes) {
    rules.push(
      policy.writablePrefixes.length
        ? `writes under ${policy.writablePrefixes.join(', ')}`
        : 'no writes'
    );
  }
  if (policy.purgeAfterDays !== undefined) {
    rules.push(
      `purged after ${policy.purgeAfterDays} day${policy.purgeAfterDays === 1 ? '' : 's'}`
    );
  }
  return rules.join('; ');
}

export function remotesTable(list: IRemoteList): string {
  const withRules = list.remotes.some(r => r.policy);
  const rows = [
    [
      'NAME',
      'PROVIDER',
      'SOURCES',
      'ENDPOINT',
      ...(withRules ? ['RULES'] : [])
    ],
    ...list.remotes.map(r => [
      r.name,
      r.provider,
      r.sources.join('+'),
      r.endpoint ?? '(default)',
      ...(withRules ? [rulesText(r.policy)] : [])
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

/**
 * `jupyter-buckets remotes files`: every file remotes are read from, in the
 * order they are looked for, and whether it exists (for a hub admin: where
 * jupyter_buckets.json may go, and which ones are found).
 */
export async function listRemoteFiles(options: {
  json?: boolean;
}): Promise<void> {
  const [{ existsSync }, { awsPaths }, { rclonePath }, { configFiles }] =
    await Promise.all([
      import('node:fs'),
      import('../remotes/aws.js'),
      import('../remotes/rclone.js'),
      import('../admin/paths.js')
    ]);
  const aws = awsPaths();
  const files = [
    { source: 'aws', path: aws.credentials },
    { source: 'aws', path: aws.config },
    { source: 'rclone', path: rclonePath() },
    ...(process.env.GOOGLE_APPLICATION_CREDENTIALS
      ? [{ source: 'gcloud', path: process.env.GOOGLE_APPLICATION_CREDENTIALS }]
      : []),
    ...configFiles(process.env).map(path => ({ source: 'admin', path }))
  ].map(file => ({ ...file, exists: existsSync(file.path) }));
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ files }, null, 2)}\n`);
    return;
  }
  for (const file of files) {
    process.stdout.write(
      `${file.source.padEnd(7)} ${file.exists ? 'found  ' : 'missing'} ${file.path}\n`
    );
  }
}
