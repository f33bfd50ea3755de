// Every `@example` in the TSDoc of src/ compiles: each ```ts block after an `@example` tag is
// type-checked as a module of its own (strict, the project's tsconfig options, nothing emitted),
// with every public export of neardup, neardup/node and neardup/redis imported, and every
// exported symbol of those entry points has at least one such example.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const entries = ['src/index.ts', 'src/node.ts', 'src/redis.ts'];

/**
 * The free names snippets use without defining them, as a reader would have them in hand. Kept
 * small: a snippet that needs anything else defines it. A snippet that binds one of these names
 * (or of the imports) itself gets no declaration of it.
 */
const FREE_NAMES = [
  // Two texts to compare.
  { name: 'a', type: 'string' },
  { name: 'b', type: 'string' },
  // A text, several texts, and a corpus of them as dedup and the index take it.
  { name: 'text', type: 'string' },
  { name: 'texts', type: 'string[]' },
  { name: 'docs', type: '{ id: string; text: string }[]' },
  // A text's signature.
  { name: 'sig', type: 'Signature' },
  // An index, and the storage it keeps its entries in.
  { name: 'lsh', type: 'MinHashLSH' },
  { name: 'storage', type: 'LSHStorage' },
];

interface Snippet {
  /** Where the snippet's first line is, as `src/file.ts:line`. */
  where: string;
  /** The snippet's first line of code, to find it by. */
  firstLine: string;
  code: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return path === 'src/cli' ? [] : sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** The ```ts blocks that follow an `@example` tag (before the next tag) in a file's doc comments. */
function extractSnippets(path: string): Snippet[] {
  const source = readFileSync(join(root, path), 'utf8');
  const snippets: Snippet[] = [];
  for (const comment of source.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const startLine = source.slice(0, comment.index).split('\n').length;
    const lines = comment[0].split('\n').map((l) => l.replace(/^\s*\/?\*+\/?( ?)/, ''));
    let inExample = false;
    let block: { line: number; code: string[] } | undefined;
    lines.forEach((line, i) => {
      if (block) {
        if (/^```\s*$/.test(line)) {
          const code = block.code.join('\n');
          const firstLine = block.code.find((l) => l.trim() !== '')?.trim() ?? '';
          snippets.push({ where: `${path}:${startLine + block.line}`, firstLine, code });
          block = undefined;
        } else block.code.push(line);
      } else if (/^@\w+/.test(line)) inExample = line.startsWith('@example');
      else if (inExample && /^```ts\s*$/.test(line)) block = { line: i + 1, code: [] };
    });
    expect(block, `unclosed \`\`\`ts block in the comment at ${path}:${startLine}`).toBeUndefined();
  }
  return snippets;
}

/** The project's compiler options, from tsconfig.json. */
function compilerOptions(): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configPath);
  return { ...parsed.options, noEmit: true, strict: true };
}

/** The names a snippet binds at its top level (imports, declarations), which the preamble leaves out. */
function topLevelNames(code: string): Set<string> {
  const file = ts.createSourceFile('snippet.ts', code, ts.ScriptTarget.ES2022);
  const names = new Set<string>();
  const bind = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const e of name.elements) if (!ts.isOmittedExpression(e)) bind(e.name);
  };
  for (const st of file.statements) {
    if (ts.isImportDeclaration(st)) {
      const clause = st.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) names.add(e.name.text);
      else if (bindings) names.add(bindings.name.text);
    } else if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) bind(d.name);
    else if (
      (ts.isFunctionDeclaration(st) ||
        ts.isClassDeclaration(st) ||
        ts.isInterfaceDeclaration(st) ||
        ts.isTypeAliasDeclaration(st)) &&
      st.name
    )
      names.add(st.name.text);
  }
  return names;
}

interface Checked {
  snippets: Snippet[];
  /** The number of exports of the three entry points. */
  exported: number;
  /** Exports whose declaration has no `@example`, as `entry: name`. */
  withoutExample: string[];
  /** Optional fields of exported `…Options` interfaces without `@default`, as `Interface.field`. */
  withoutDefault: string[];
  /** One line per type error: where the snippet is, its first line, and the message. */
  failures: string[];
  milliseconds: number;
}

/** Reads the snippets and type-checks them all in one Program. */
function check(): Checked {
  const started = performance.now();
  const options: ts.CompilerOptions = {
    ...compilerOptions(),
    // `import … from 'neardup'` in a snippet means the entry point in src/, not a stale dist/.
    paths: Object.fromEntries(
      entries.map((e) => [e === 'src/index.ts' ? 'neardup' : `neardup/${e.slice(4, -3)}`, [join(root, e)]]),
    ),
  };
  const snippets = sourceFiles('src').flatMap(extractSnippets);

  // The entry points' exports, read by the checker: values are imported with `import`, types
  // with `import type` (verbatimModuleSyntax requires it).
  const entryProgram = ts.createProgram(
    entries.map((e) => join(root, e)),
    options,
  );
  const checker = entryProgram.getTypeChecker();
  const exports = entries.map((entry) => {
    const file = entryProgram.getSourceFile(join(root, entry))!;
    const symbols = checker.getExportsOfModule(checker.getSymbolAtLocation(file)!).map((s) => {
      const target = checker.getAliasedSymbol(s);
      const isOptions = (target.flags & ts.SymbolFlags.Interface) !== 0 && s.name.endsWith('Options');
      const fields = isOptions ? checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(target)) : [];
      return {
        name: s.name,
        isValue: (target.flags & ts.SymbolFlags.Value) !== 0,
        hasExample: target.getJsDocTags(checker).some((t) => t.name === 'example'),
        withoutDefault: fields
          .filter((f) => (f.flags & ts.SymbolFlags.Optional) !== 0)
          .filter((f) => !f.getJsDocTags(checker).some((t) => t.name === 'default'))
          .map((f) => `${s.name}.${f.name}`),
      };
    });
    return { entry, symbols };
  });

  // Each snippet's preamble: the imports and free names, less those the snippet binds itself.
  const preambleOf = (code: string) => {
    const own = topLevelNames(code);
    const imports = exports.flatMap(({ entry, symbols }) => {
      const from = `'../${entry.replace(/\.ts$/, '.js')}'`;
      const values = symbols.filter((s) => s.isValue && !own.has(s.name)).map((s) => s.name);
      const types = symbols.filter((s) => !s.isValue && !own.has(s.name)).map((s) => s.name);
      return [
        values.length > 0 ? `import { ${values.join(', ')} } from ${from};` : '',
        types.length > 0 ? `import type { ${types.join(', ')} } from ${from};` : '',
      ];
    });
    const free = FREE_NAMES.filter((f) => !own.has(f.name)).map((f) => `declare const ${f.name}: ${f.type};`);
    return [...imports, ...free].join('\n');
  };

  // One Program for all the snippets: each is a virtual module in test/ (so '../src/index.js'
  // resolves), the rest of the files come from disk.
  const virtual = snippets.map((s, i) => {
    const preamble = preambleOf(s.code);
    return {
      name: join(root, 'test', `__doc-example-${i}.ts`),
      code: `${preamble}\n${s.code}\n`,
      preambleLines: preamble.split('\n').length,
    };
  });
  const byName = new Map(virtual.map((v) => [v.name, v.code]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) => {
    const code = byName.get(name);
    return code === undefined
      ? getSourceFile(name, languageVersion, ...rest)
      : ts.createSourceFile(name, code, languageVersion, true);
  };
  host.fileExists = (name) => byName.has(name) || fileExists(name);
  host.readFile = (name) => byName.get(name) ?? readFile(name);
  const program = ts.createProgram([...byName.keys()], options, host, entryProgram);

  const failures = snippets.flatMap((snippet, i) => {
    const { name, preambleLines } = virtual[i]!;
    const file = program.getSourceFile(name)!;
    const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    return diagnostics.map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      const line =
        d.start === undefined ? '?' : file.getLineAndCharacterOfPosition(d.start).line + 1 - preambleLines;
      return `${snippet.where} (\`${snippet.firstLine}\`), snippet line ${line}: ${message}`;
    });
  });

  return {
    snippets,
    exported: exports.reduce((n, { symbols }) => n + symbols.length, 0),
    withoutExample: exports.flatMap(({ entry, symbols }) =>
      symbols.filter((s) => !s.hasExample).map((s) => `${entry}: ${s.name}`),
    ),
    withoutDefault: exports.flatMap(({ symbols }) => symbols.flatMap((s) => s.withoutDefault)),
    failures,
    milliseconds: performance.now() - started,
  };
}

describe('doc examples', () => {
  let checked: Checked;
  beforeAll(() => {
    checked = check();
  });

  it('every export of neardup, neardup/node and neardup/redis has an @example', () => {
    expect(checked.withoutExample).toEqual([]);
  });

  it('every optional field of an exported …Options interface says its @default', () => {
    expect(checked.withoutDefault).toEqual([]);
  });

  it('finds at least one ```ts block after an @example tag per export', () => {
    // A deleted example (or a broken extraction) cannot make the type check pass vacuously.
    expect(checked.exported).toBeGreaterThan(100);
    expect(checked.snippets.length).toBeGreaterThanOrEqual(checked.exported);
  });

  it('every snippet type-checks (strict, the project tsconfig, top-level await allowed)', () => {
    expect(checked.failures).toEqual([]);
  });

  it('checks them all in one Program, in well under 15 s', () => {
    expect(checked.milliseconds).toBeLessThan(15_000);
  });
});
