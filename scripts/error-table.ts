// README's "Error codes" table, generated from the catalogue (src/domain/error-codes.ts via src/api/errors.ts).
//   npx tsx scripts/error-table.ts           prints the table
//   npx tsx scripts/error-table.ts --write   puts it into README.md, between the markers
// test/error-catalogue.test.ts fails when README's table differs from the catalogue.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { errorTableMarkdown } from '../src/api/errors.ts';

export const README = fileURLToPath(new URL('../README.md', import.meta.url));
export const BEGIN = '<!-- error-codes:begin (generated from src/domain/error-codes.ts by scripts/error-table.ts --write) -->';
export const END = '<!-- error-codes:end -->';

/** README's text with the table between the markers replaced by the catalogue's. */
export function withTable(readme: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start === -1 || end < start) throw new Error(`README.md has no ${BEGIN} … ${END} markers`);
  return `${readme.slice(0, start + BEGIN.length)}\n${errorTableMarkdown()}\n${readme.slice(end)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--write')) {
    writeFileSync(README, withTable(readFileSync(README, 'utf8')));
    console.log('README.md: error codes table written');
  } else {
    console.log(errorTableMarkdown());
  }
}
