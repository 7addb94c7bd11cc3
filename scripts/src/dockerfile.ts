/**
 * Dockerfiles and .dockerignore read as text, for the static image rules
 * (catalog-consistency, dockerfile-lint, compose checks). The images themselves are built
 * and run by the real engine in containers.int.test.ts.
 */

export interface DockerInstruction {
  keyword: string;
  args: string;
  line: number;
}

export interface DockerStage {
  name: string | undefined;
  image: string;
  instructions: DockerInstruction[];
}

/** Instructions in order, with comments dropped and `\` continuations joined. */
export function parseDockerfile(text: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (!pending && (/^\s*#/.test(line) || !line.trim())) return;
    if (pending && /^\s*#/.test(line)) return;
    if (!pending) startLine = index + 1;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1);
      return;
    }
    const full = (pending + line).trim();
    pending = '';
    const match = /^(\S+)\s*(.*)$/s.exec(full);
    if (match)
      instructions.push({
        keyword: (match[1] as string).toUpperCase(),
        args: (match[2] as string).trim(),
        line: startLine,
      });
  });
  return instructions;
}

export function dockerStages(instructions: DockerInstruction[]): DockerStage[] {
  const stages: DockerStage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/).filter((part) => !part.startsWith('--'));
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (instruction.keyword !== 'ARG' || stages.length > 0) {
      const current = stages.at(-1);
      if (!current) throw new Error(`line ${instruction.line}: ${instruction.keyword} before FROM`);
      current.instructions.push(instruction);
    }
  }
  return stages;
}

/** Parses `KEY=value KEY2="two words"` (and the legacy `KEY value` form). */
export function parseEnv(args: string): Record<string, string> {
  if (!args.includes('=')) {
    const [key = '', ...rest] = args.split(/\s+/);
    return { [key]: rest.join(' ') };
  }
  const env: Record<string, string> = {};
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const value = match[2] as string;
    env[match[1] as string] = value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
  }
  return env;
}

/** A matcher for .dockerignore patterns (`**`, `*`, `?`, leading `!` to re-include). */
export function dockerignoreMatcher(patterns: string[]): (path: string) => boolean {
  const rules = patterns
    .map((p) => p.trim())
    .filter((p) => p && !p.startsWith('#'))
    .map((pattern) => {
      const negate = pattern.startsWith('!');
      const body = (negate ? pattern.slice(1) : pattern).replace(/^\/+|\/+$/g, '');
      const regex = body
        .split('/')
        .map((segment) =>
          segment === '**'
            ? '.*'
            : segment
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/^\.\*\//, '(?:.*/)?');
      // A pattern that names a directory excludes everything below it.
      return { negate, regex: new RegExp(`^${regex}(?:/.*)?$`) };
    });
  return (path) => {
    let ignored = false;
    for (const rule of rules) if (rule.regex.test(path)) ignored = !rule.negate;
    return ignored;
  };
}
