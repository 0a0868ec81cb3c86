/**
 * The code-size rules of the repository: no source file over 400 lines, no function over 80 lines (tests and
 * generated code excepted). `npx tsx scripts/code-size.ts` lists what breaks them; test/code-size.test.ts
 * runs the same check.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export const MAX_FILE_LINES = 400;
export const MAX_FUNCTION_LINES = 80;

const ROOTS = ['src', 'bench', 'scripts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.endsWith('.case.ts') ? [path] : [];
  });
}

export interface Violation {
  file: string;
  what: string;
  lines: number;
}

export function codeSizeViolations(root: string): Violation[] {
  const out: Violation[] = [];
  for (const path of ROOTS.flatMap((r) => sourceFiles(join(root, r)))) {
    const text = readFileSync(path, 'utf8');
    const file = relative(root, path);
    const lines = text.split('\n').length;
    if (lines > MAX_FILE_LINES) out.push({ file, what: 'file', lines });
    const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
        const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
        if (end - start + 1 > MAX_FUNCTION_LINES) {
          const name = (node as ts.FunctionDeclaration).name?.getText(sf) ?? `function at line ${start + 1}`;
          out.push({ file, what: name, lines: end - start + 1 });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = codeSizeViolations(process.cwd());
  for (const v of found) console.log(`${v.file}: ${v.what} has ${v.lines} lines`);
  process.exitCode = found.length > 0 ? 1 : 0;
}
