// `jupyter-buckets remotes take-home NAME`: "Use on my computer" in a
// terminal: the snippets to paste on a laptop, with temporary credentials
// minted for them, or the saved secret with --saved --yes.
import type { Command } from 'commander';
import type { ITakeHome, ITakeHomeRequest } from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { remoteNamed } from '../remotes/named.js';
import type { LazyServices } from './report.js';

interface IOptions {
  path?: string;
  readOnly?: boolean;
  hours?: string;
  saved?: boolean;
  yes?: boolean;
  json?: boolean;
}

/** The first line printed: what the snippets carry. */
export function takeHomeHeader(answer: ITakeHome): string {
  const c = answer.credentials;
  const lines: string[] = [];
  if (c.unavailable) {
    lines.push(`# No temporary credentials: ${c.unavailable}`);
  }
  if (c.kind === 'temporary') {
    const reach = c.reach?.bucket
      ? `for ${c.reach.bucket} only`
      : "for all the hub's credentials reach";
    const access = c.reach?.readOnly ? 'read-only' : 'read and write';
    lines.push(
      `# Temporary credentials ${reach}, ${access}${c.expires ? `, valid until ${c.expires}` : ''}.`
    );
  } else if (c.kind === 'saved') {
    lines.push(
      "# The remote's long-lived secret: do not share or commit what follows."
    );
  } else if (c.kind === 'anonymous') {
    lines.push('# A public bucket: no credentials needed.');
  } else {
    lines.push('# Fill in keys you already have.');
  }
  return lines.join('\n');
}

export function registerTakeHomeCommand(
  remotes: Command,
  services: LazyServices
): void {
  remotes
    .command('take-home <name>')
    .description(
      'print what to paste on your own computer for the AWS CLI, rclone and fsspec, with temporary credentials'
    )
    .option(
      '--path <bucket[/folder/]>',
      'the bucket the snippets open (and S3 keys reach)'
    )
    .option('--read-only', 'credentials that can only read')
    .option('--hours <n>', 'lifetime of temporary S3 keys, 0.25 to 12', '1')
    .option('--saved', "the remote's long-lived secret instead (needs --yes)")
    .option('--yes', 'confirm --saved: the secret is printed')
    .option('--json', 'print JSON (the API shape)')
    .action(async (name: string, options: IOptions) => {
      const hours = Number(options.hours);
      const request: ITakeHomeRequest = {
        ...(options.path ? { path: options.path } : {}),
        credentials: options.saved ? 'saved' : 'temporary',
        confirm: options.yes === true,
        readOnly: options.readOnly === true,
        durationSeconds: Math.round(hours * 3600)
      };
      const remote = remoteNamed(
        (await services()).remotes,
        name,
        'See jupyter-buckets remotes list.'
      );
      if (options.saved && !options.yes) {
        throw new ApiError(
          'invalid_request',
          `--saved prints the long-lived secret of ${name}.`,
          'Add --yes if that is what you want; temporary credentials (without --saved) expire by themselves.'
        );
      }
      const { takeHome } = await import('../take-home/index.js');
      const answer = await takeHome(remote, request);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
        return;
      }
      const blocks = answer.snippets.map(
        s => `# ${s.title}: ${s.note}\n${s.text}`
      );
      process.stdout.write(
        `${[takeHomeHeader(answer), ...blocks].join('\n\n')}\n`
      );
    });
}
