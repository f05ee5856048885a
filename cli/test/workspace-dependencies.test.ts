/**
 * Each workspace's package.json declares every workspace it imports. The root package (the CLI,
 * bin/, scripts/, integration/, bench/) counts as a workspace too.
 *
 * - Source reaches another workspace only by its package name (`@ophyd-service/…`), declared in
 *   `dependencies` at that workspace's exact version; a relative path into another workspace would
 *   bypass both the declaration and the package's exports.
 * - Tests and benchmarks may reach other workspaces' harnesses and sources by relative path (they
 *   are not part of any package); a package name they import must be declared, in
 *   `dependencies` or `devDependencies`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');

interface Workspace {
  /** Repo-relative directory; '' for the root package. */
  dir: string;
  name: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

function readWorkspace(dir: string): Workspace {
  const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
  return {
    dir,
    name: manifest.name,
    version: manifest.version,
    dependencies: manifest.dependencies ?? {},
    devDependencies: manifest.devDependencies ?? {},
  };
}

function workspaces(): Workspace[] {
  const patterns: string[] = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).workspaces;
  const dirs = patterns.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(join(ROOT, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => `${pattern.slice(0, -2)}/${entry.name}`)
      : [pattern],
  );
  return [
    readWorkspace(''),
    ...dirs.filter((dir) => existsSync(join(ROOT, dir, 'package.json'))).map(readWorkspace),
  ];
}

/** The workspace a repo-relative path belongs to: the deepest workspace directory holding it. */
function ownerOf(path: string, all: Workspace[]): Workspace {
  const holding = all.filter((w) => w.dir === '' || path === w.dir || path.startsWith(`${w.dir}/`));
  return holding.sort((a, b) => b.dir.length - a.dir.length)[0];
}

/** Every module specifier a file imports or re-exports, statically or dynamically. */
export function specifiers(text: string): string[] {
  const patterns = [
    /\bfrom\s*['"]([^'"\n]+)['"]/g,
    /\bimport\s*['"]([^'"\n]+)['"]/g,
    /\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1]));
}

const testLike = (path: string) => /(^|\/)test\//.test(path) || path.startsWith('bench/');

interface Finding {
  file: string;
  problem: string;
}

function findings(): Finding[] {
  const all = workspaces();
  const byName = new Map(all.map((w) => [w.name, w]));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '*.ts'], { cwd: ROOT })
    .toString()
    .split('\n')
    .filter((f) => f && !f.includes('node_modules/') && existsSync(join(ROOT, f)));
  const found: Finding[] = [];
  for (const file of files) {
    const importer = ownerOf(file, all);
    const isTest = testLike(file);
    for (const specifier of specifiers(readFileSync(join(ROOT, file), 'utf8'))) {
      if (specifier.startsWith('.')) {
        const target = relative(ROOT, resolve(ROOT, dirname(file), specifier))
          .split(sep)
          .join('/');
        const owner = ownerOf(target, all);
        if (owner !== importer && !isTest)
          found.push({
            file,
            problem: `reaches into ${owner.name} by the relative path ${specifier}: import it as ${owner.name}`,
          });
        continue;
      }
      const name = specifier.split('/').slice(0, 2).join('/');
      const target = byName.get(name);
      if (!target || target === importer) continue;
      const declared = importer.dependencies[name] ?? (isTest ? importer.devDependencies[name] : undefined);
      if (declared === undefined)
        found.push({
          file,
          problem: `imports ${name}, which ${importer.dir || 'the root'}/package.json does not declare in ${isTest ? 'dependencies or devDependencies' : 'dependencies'}`,
        });
      else if (declared !== target.version)
        found.push({
          file,
          problem: `declares ${name} as ${declared}, not its exact version ${target.version}`,
        });
    }
  }
  return found;
}

describe('workspace dependencies', () => {
  it('finds every form of import a file can use', () => {
    const text = [
      "import { a } from '@ophyd-service/a';",
      'import {\n  b,\n  type B,\n} from "@ophyd-service/b/sub";',
      "import type { C } from '../c/src/index.ts';",
      "export { d } from './d.ts';",
      "import '@ophyd-service/e';",
      "const f = await import('@ophyd-service/f');",
    ].join('\n');
    assert.deepEqual(specifiers(text).sort(), [
      '../c/src/index.ts',
      './d.ts',
      '@ophyd-service/a',
      '@ophyd-service/b/sub',
      '@ophyd-service/e',
      '@ophyd-service/f',
    ]);
  });

  it('are declared in each package.json for every workspace imported, and sources use package names', () => {
    const problems = findings().map((f) => `${f.file}: ${f.problem}`);
    assert.deepEqual(problems, []);
  });
});
