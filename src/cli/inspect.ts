/** `trainlens inspect FILE --sample K [--split train|val] [--weights initial|trained] [--json]`: one sample forward and backward. */
type Out = NodeJS.WriteStream;

export async function inspectCommand(_args: string[], _out: Out, err: Out): Promise<number> {
  err.write('trainlens: inspect is being built.\n');
  return 2;
}
