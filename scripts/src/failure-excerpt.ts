/**
 * The start of an error, colour codes removed: its first lines, then the stack frames in our
 * own code (not node_modules or Node's internals), which say where a bare "fetch failed" or a
 * timeout happened. CI's closing summary (test-summary.ts) prints one per failed test.
 */
export function excerpt(message: string, headLines = 4, ownFrames = 3): string {
  const lines = message
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const isFrame = (line: string) => /^\s*at /.test(line);
  const head = lines.slice(0, headLines).filter((line) => !isFrame(line));
  const ours = lines
    .filter((line) => isFrame(line) && !/node_modules|node:internal|\(node:/.test(line))
    .slice(0, ownFrames);
  // Vitest's timeout keeps only the stack of an error named for it, not its words.
  if (head[0] === 'Error: STACK_TRACE_ERROR') head[0] = 'Error: timed out (the test or hook ran past its timeout)';
  return [...head, ...ours].map((line) => `    ${line.trim().slice(0, 1000)}`).join('\n');
}
