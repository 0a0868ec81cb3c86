import { CliError } from './errors.ts';

/** `proofmarket <command> …`: each command is a module with `run(argv)` and a `help` text. */
const COMMANDS: Record<string, () => Promise<{ run(argv: string[]): Promise<void>; help: string }>> = {
  serve: () => import('./commands/serve.ts'),
  prover: () => import('./commands/prover.ts'),
  demo: () => import('./commands/demo.ts'),
  prove: () => import('./commands/prove.ts'),
};

const HELP = `proofmarket — a marketplace for zero-knowledge proofs

Usage: proofmarket <command> [options]    (proofmarket <command> --help for details)

Commands:
  demo       the whole market on one machine, with real proofs (what npm start runs)
  serve      run the coordinator (REST API, scheduler, verifier pool)
  prover     run a prover node (registers, takes tasks, proves them in worker threads)
  prove      prove one assigned task by hand; prints the body for POST /tasks/result
`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`proofmarket: unknown command "${name}"; run proofmarket --help`);
    return 2;
  }
  try {
    await (await load()).run(rest);
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      console.error(`proofmarket ${name}: ${err.message}`);
      return err.exitCode;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'ECONNREFUSED') {
      console.error(`proofmarket ${name}: ${(err as Error).message}`);
      return code === 'ECONNREFUSED' ? 3 : 1;
    }
    if (err instanceof Error && !(err instanceof TypeError) && !(err instanceof ReferenceError)) {
      console.error(`proofmarket ${name}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));
