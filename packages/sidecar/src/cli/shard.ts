// `jupyter-buckets shard`: what a Dask worker runs (jupyter_buckets/cluster/
// shard.py). One JSON line on stdin, {remotes, work}, then stdin stays
// open: its end (the task cancelled, or the worker gone) stops the shard,
// and what it has in flight is aborted. JSON lines on stdout; a last
// {"type":"error"} line when the shard cannot run at all.
import type { Command } from 'commander';
import { ApiError } from '../api-error.js';

function line(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function readFirstLine(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\n');
      if (end >= 0) {
        process.stdin.off('data', onData);
        process.stdin.off('end', onEnd);
        process.stdin.pause();
        resolve(text.slice(0, end));
      }
    };
    const onEnd = (): void => reject(new Error('no shard on stdin'));
    process.stdin.on('data', onData);
    process.stdin.once('end', onEnd);
  });
}

async function runShardCommand(): Promise<void> {
  const [{ createServices }, { inlineStore }, { runShard }] = await Promise.all(
    [
      import('../services.js'),
      import('../cluster/remotes.js'),
      import('../cluster/worker.js')
    ]
  );
  const input = JSON.parse(await readFirstLine());
  const controller = new AbortController();
  // The rest of stdin is only watched for its end.
  process.stdin.on('data', () => undefined);
  process.stdin.once('end', () => controller.abort());
  process.stdin.resume();
  const services = createServices({ remotes: inlineStore(input.remotes) });
  const resolve = (text: string) =>
    services.resolver.location(text, { needBucket: true });
  await runShard(
    input.work,
    { src: resolve(input.work.src), dst: resolve(input.work.dst) },
    line,
    controller.signal
  );
}

export function addShardCommand(program: Command): void {
  program
    .command('shard', { hidden: true })
    .description('run one shard of a job on a Dask worker (JSON on stdin)')
    .action(async () => {
      try {
        await runShardCommand();
        process.exit(0);
      } catch (error) {
        const body =
          error instanceof ApiError
            ? error.toBody().error
            : { code: 'internal', message: (error as Error).message };
        line({ type: 'error', error: body });
        process.exit(1);
      }
    });
}
