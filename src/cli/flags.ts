/**
 * A command's arguments, split: the files, `--json`, and each flag's value (`--flag v` or
 * `--flag=v`) in the order given. An unknown flag or a flag without a value is an error made by
 * `fail` (each command's usage error).
 */
export function scanFlags(
  command: string, args: readonly string[], flags: readonly string[], usage: string, fail: (message: string) => Error,
): { files: string[]; json: boolean; values: Array<[string, string]> } {
  const files: string[] = [];
  const values: Array<[string, string]> = [];
  let json = false;
  for (let i = 0; i < args.length; i++) {
    if (!args[i].startsWith('-')) {
      files.push(args[i]);
      continue;
    }
    const [flag, inline] = args[i].split('=', 2) as [string, string | undefined];
    if (flag === '--json' && inline === undefined) {
      json = true;
      continue;
    }
    if (!flags.includes(flag)) throw fail(`${command} does not take '${args[i]}'.\n${usage}`);
    const v = inline ?? args[++i];
    if (v === undefined || v === '') throw fail(`${flag} needs a value.`);
    values.push([flag, v]);
  }
  return { files, json, values };
}
