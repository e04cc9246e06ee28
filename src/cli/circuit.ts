/** `trainlens circuit FILE [--json]`: a `circuit:` model file evaluated forward and backward. */
type Out = NodeJS.WriteStream;

export async function circuitCommand(_args: string[], _out: Out, err: Out): Promise<number> {
  err.write('trainlens: circuit is being built.\n');
  return 2;
}
