// The README's shell blocks as a runnable script: parsing and the conventions test/readme.test.ts runs them
// by (written down in the README's Tests section). Pure: no process is started here.

/** One command as a user types it. */
export interface WalkCommand {
  /** The command, continuation lines joined, its comment and a trailing `&` removed. */
  text: string;
  /** What its output (stdout and stderr) must contain: the text after `→` in its comment (`…` matches anything). */
  expect?: string;
  /** It ended with `&`: it keeps running in the background (a coordinator, a prover node). */
  background: boolean;
  /** 1-based line in the README, for failure messages. */
  line: number;
}

export interface WalkBlock {
  section: string;
  commands: WalkCommand[];
  /** A plain ``` block right after the ```sh block: lines the last command's output must contain, in order. */
  output?: string[];
}

/** The ```sh blocks of the named sections, in README order, each with the plain output block that follows it. */
export function walkthrough(readme: string, sections: string[]): WalkBlock[] {
  const blocks: WalkBlock[] = [];
  for (const section of sections) {
    const start = readme.indexOf(`\n## ${section}\n`);
    if (start < 0) throw new Error(`the README has no section "${section}"`);
    const end = readme.indexOf('\n## ', start + 4);
    const body = readme.slice(start, end === -1 ? undefined : end);
    const firstLine = readme.slice(0, start).split('\n').length; // the line just above the heading
    for (const m of body.matchAll(/```sh\n([\s\S]*?)```\n(?:\s*\n)*(?:```\n([\s\S]*?)```)?/g)) {
      const line = firstLine + body.slice(0, m.index).split('\n').length;
      blocks.push({
        section,
        commands: commandsOf(m[1]!, line),
        ...(m[2] === undefined ? {} : { output: m[2].split('\n').map((l) => l.trim()).filter(Boolean) }),
      });
    }
  }
  return blocks;
}

function commandsOf(script: string, firstLine: number): WalkCommand[] {
  const out: WalkCommand[] = [];
  const lines = script.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = firstLine + i;
    let raw = lines[i]!;
    while (raw.endsWith('\\') && i + 1 < lines.length) raw = `${raw.slice(0, -1)} ${lines[++i]!.trim()}`;
    const { code, comment } = splitComment(raw);
    if (code.trim() === '') continue;
    const background = /&\s*$/.test(code);
    const arrow = comment?.indexOf('→') ?? -1;
    out.push({
      text: background ? code.replace(/&\s*$/, '').trim() : code.trim(),
      ...(arrow >= 0 ? { expect: comment!.slice(arrow + 1).trim() } : {}),
      background,
      line,
    });
  }
  return out;
}

/** Splits a shell line at its comment: a `#` that starts a word outside quotes. */
export function splitComment(line: string): { code: string; comment?: string } {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '\\') i++;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return { code: line.slice(0, i), comment: line.slice(i + 1).trim() };
  }
  return { code: line };
}

/** Does `output` contain `expected`, where `…` in `expected` stands for anything on one line (ids, times, amounts)? */
export function shows(output: string, expected: string): boolean {
  return patternOf(expected).test(output);
}

export function patternOf(expected: string): RegExp {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(expected.split('…').map(escape).join('[^\\n]*?'));
}

/** `output` shows every line of `lines`, in that order. */
export function showsInOrder(output: string, lines: string[]): string | undefined {
  let from = 0;
  for (const l of lines) {
    const m = patternOf(l).exec(output.slice(from));
    if (!m) return l;
    from += m.index + m[0].length;
  }
  return undefined;
}

/** The first value of a field called `name` in a JSON document, depth first (objects and arrays). */
export function fieldOf(doc: unknown, name: string): unknown {
  if (Array.isArray(doc)) {
    for (const d of doc) {
      const v = fieldOf(d, name);
      if (v !== undefined) return v;
    }
  } else if (doc !== null && typeof doc === 'object') {
    if (name in doc) return (doc as Record<string, unknown>)[name];
    for (const d of Object.values(doc)) {
      const v = fieldOf(d, name);
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

/**
 * Fills `<name>` with the field `name` of the latest JSON output that has one (`outputs`, oldest first): the
 * placeholder convention. A placeholder no output fills is an error: the README would not say where it comes from.
 */
export function fillPlaceholders(command: string, outputs: unknown[]): string {
  return command.replace(/<([a-z][a-z0-9_]*)>/g, (_, name: string) => {
    for (let i = outputs.length - 1; i >= 0; i--) {
      const v = fieldOf(outputs[i], name);
      if (typeof v === 'string' || typeof v === 'number') return String(v);
    }
    throw new Error(`no earlier command printed a JSON document with "${name}" for <${name}> in: ${command}`);
  });
}

/** Parses a command's stdout when it is one JSON document (a `--json` output, an API answer); else undefined. */
export function jsonOf(stdout: string): unknown {
  const text = stdout.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
