#!/usr/bin/env node
import { baselineCommand, baselineUsage } from './commands/baseline.js';
import { batchCommand, batchUsage } from './commands/batch.js';
import { inspectCommand, inspectUsage } from './commands/inspect.js';
import { pruneCommand, pruneUsage } from './commands/prune.js';
import { publishCommand, publishUsage } from './commands/publish.js';
import { quantizeCommand, quantizeUsage } from './commands/quantize.js';
import { ModelToolsError } from './errors.js';

const commands: Record<string, { run: (argv: string[]) => Promise<void>; usage: string }> = {
  quantize: { run: quantizeCommand, usage: quantizeUsage },
  prune: { run: pruneCommand, usage: pruneUsage },
  inspect: { run: inspectCommand, usage: inspectUsage },
  publish: { run: publishCommand, usage: publishUsage },
  batch: { run: batchCommand, usage: batchUsage },
  baseline: { run: baselineCommand, usage: baselineUsage },
};

function usage(): string {
  return [
    'usage: edgewise-models <command> …',
    ...Object.values(commands).map((c) => `  edgewise-models ${c.usage}`),
  ].join('\n');
}

const [name, ...argv] = process.argv.slice(2);
if (!name || name === '--help' || name === '-h' || name === 'help') {
  console.log(usage());
  process.exit(name ? 0 : 2);
}
const command = commands[name];
if (!command) {
  console.error(`edgewise-models: unknown command "${name}"\n${usage()}`);
  process.exit(2);
}
try {
  await command.run(argv);
} catch (error) {
  if (error instanceof ModelToolsError) {
    // Errors the user can fix: exit 2, one clear line.
    console.error(`edgewise-models ${name}: ${error.code}: ${error.message}`);
    process.exit(2);
  }
  console.error(`edgewise-models ${name}: unexpected failure, please report it:`, error);
  process.exit(1);
}
