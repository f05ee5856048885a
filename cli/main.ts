import { Command, CommanderError } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import {
  address,
  COMPONENTS,
  type Component,
  entryPath,
  isBuilt,
  notBuiltMessage,
  REPO_ROOT,
  type Runnable,
  TOOLS,
} from './components.ts';
import { runEntry } from './entry.ts';
import { describeFailure } from './failure.ts';
import { LOOPBACK_CA } from './loopback.ts';
import { up } from './supervisor.ts';
import type { Timing } from './timing.ts';

/** What the CLI works on: the real tables by default, fixture tables in tests. */
export interface CliContext {
  components: readonly Component[];
  tools: readonly Runnable[];
  root: string;
  timing?: Partial<Timing>;
}

const DEFAULT_CONTEXT: CliContext = { components: COMPONENTS, tools: TOOLS, root: REPO_ROOT };

/** What `up --help` says about reachability: nothing beyond this machine unless asked. */
const EXPOSURE = `Reachable from this machine only, unless you say otherwise:
  HTTP services listen on 127.0.0.1 (--host 0.0.0.0 for every interface).
  Channel Access stays on loopback; each of these is set for the components unless you set it:
${Object.entries(LOOPBACK_CA)
  .map(([name, value]) => `    ${name}=${value}`)
  .join('\n')}`;

/**
 * Parses `argv` (the arguments after the program name) and runs the subcommand; sets
 * `process.exitCode` (2 for bad input, reported in one line with the choices there are).
 */
export async function main(argv: string[], context: CliContext = DEFAULT_CONTEXT): Promise<void> {
  const program = buildProgram(context);
  for (const command of [program, ...program.commands]) oneLineErrors(command);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    // Help and --version exit 0; everything else commander refuses is bad input, already printed.
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  }
}

/**
 * Commander's refusals (unknown command or option, missing value) as one line naming the choices,
 * instead of the message followed by the whole help; thrown back to `main` rather than exiting.
 */
function oneLineErrors(command: Command): void {
  const name = command.parent ? `ophyd-service ${command.name()}` : 'ophyd-service';
  command.exitOverride();
  command.configureOutput({
    outputError: (text, write) => {
      let line = text
        .trim()
        .replace(/^error: /, '')
        .replace(/\n/g, ' ');
      if (/^unknown command/.test(line))
        line += `; commands: ${command.commands.map((c) => c.name()).join(', ')}`;
      else if (/^unknown option/.test(line))
        line += `; options: ${command.options.map((o) => o.long ?? o.short).join(', ')}, --help`;
      write(`${name}: ${line}\n`);
    },
  });
}

export function buildProgram(context: CliContext): Command {
  const { components, tools, root } = context;
  const program = new Command('ophyd-service')
    .description('Beamline control stack for Bluesky/EPICS: run the whole stack or one part of it.')
    .version(pkg.version)
    .enablePositionalOptions();

  program
    .command('up')
    .description('start every built component of the stack (or --only some) and supervise them')
    .option('--only <names>', 'comma-separated component names, or a subcommand such as ioc for all IOCs')
    .option('--no-color', 'no colour, even on a terminal')
    .option(
      '--host <address>',
      'address the HTTP services listen on (default 127.0.0.1, this machine only; 0.0.0.0 for every interface)',
    )
    .addHelpText('after', () => `\nComponents:\n${statusLines(components, root)}\n\n${EXPOSURE}`)
    .action(async (options: { only?: string; color: boolean; host?: string }) => {
      process.exitCode = await up({
        ...context.timing,
        components,
        root,
        only: options.only?.split(','),
        color: options.color,
        host: options.host,
      });
    });

  const groups = Map.groupBy<string, Runnable>([...components, ...tools], (r) => r.command);
  for (const [command, rows] of groups) addRunnable(program, command, rows, root);

  program.addHelpText(
    'after',
    () => `\nComponents (started by up unless marked):\n${statusLines(components, root)}`,
  );
  return program;
}

/** A subcommand that runs one entry's `main(argv)` in this process. */
function addRunnable(program: Command, command: string, rows: readonly Runnable[], root: string): void {
  const [first] = rows;
  const description =
    rows.length === 1
      ? first.description
      : `run one of ${rows.map((r) => r.args?.[0] ?? r.name).join(', ')} in this process`;
  program
    .command(command)
    .description(description)
    .argument('[args...]', 'passed on to its main(argv)')
    .allowUnknownOption()
    .allowExcessArguments()
    .passThroughOptions()
    .addHelpText('after', () => runnableHelp(rows, root))
    .action(async (args: string[]) => {
      if (!isBuilt(first, root)) {
        console.error(notBuiltMessage({ ...first, name: command }));
        process.exitCode = 2;
        return;
      }
      try {
        await runEntry(entryPath(first, root), args);
      } catch (err) {
        const failure = describeFailure(err, command, process.exitCode);
        console.error(failure.text);
        process.exitCode = failure.exitCode;
      }
    });
}

function runnableHelp(rows: readonly Runnable[], root: string): string {
  const [first] = rows;
  const lines = [
    '',
    `Runs main(argv) of ${first.entry} in this process; \`ophyd-service up\` runs components supervised.`,
  ];
  if (rows.length > 1) {
    for (const r of rows) lines.push(`  ${[first.command, ...(r.args ?? [])].join(' ')}: ${r.description}`);
  }
  const ports = rows.flatMap((r) => (r as Component).ports ?? []);
  if (ports.length) lines.push(`Ports: ${ports.join(', ')}`);
  const urls = rows.flatMap((r) => (r as Component).url ?? []);
  if (urls.length) lines.push(`URL: ${urls.join(', ')}`);
  lines.push(
    `Status: ${isBuilt(first, root) ? 'built' : notBuiltMessage({ ...first, name: first.command })}`,
  );
  return lines.join('\n');
}

function statusLines(components: readonly Component[], root: string): string {
  const width = Math.max(...components.map((c) => c.name.length));
  return components
    .map((c) => {
      const status = isBuilt(c, root) ? 'built' : 'not built yet';
      const started = c.default ? '' : ', not started by up';
      return `  ${c.name.padEnd(width)}  ${status}${started}  ${address(c)}`.trimEnd();
    })
    .join('\n');
}
