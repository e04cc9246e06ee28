/**
 * Checks that bytes arriving in chunks are UTF-8 (the WHATWG decoder's rules: no overlong forms,
 * no surrogates, nothing past U+10FFFF), and says where they stop being: the offset, counted from
 * the first byte pushed, of the first byte of the first sequence that is not UTF-8.
 */
export class Utf8Check {
  /** Bytes pushed so far. */
  offset = 0;
  private needed = 0;
  private lower = 0x80;
  private upper = 0xbf;
  /** Where the sequence being read began, and its first byte (after a failure: the bad sequence's). */
  private start = 0;
  startByte = 0;

  /** The offset of the first bad sequence in the bytes so far, or -1 while they are UTF-8. */
  push(bytes: Uint8Array): number {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      const at = this.offset + i;
      if (this.needed === 0) {
        if (b < 0x80) continue;
        this.start = at;
        this.startByte = b;
        if (b >= 0xc2 && b <= 0xdf) this.needed = 1;
        else if (b >= 0xe0 && b <= 0xef) {
          if (b === 0xe0) this.lower = 0xa0;
          if (b === 0xed) this.upper = 0x9f;
          this.needed = 2;
        } else if (b >= 0xf0 && b <= 0xf4) {
          if (b === 0xf0) this.lower = 0x90;
          if (b === 0xf4) this.upper = 0x8f;
          this.needed = 3;
        } else {
          return this.fail(bytes.length);
        }
      } else {
        if (b < this.lower || b > this.upper) return this.fail(bytes.length);
        this.lower = 0x80;
        this.upper = 0xbf;
        this.needed--;
      }
    }
    this.offset += bytes.length;
    return -1;
  }

  /** At the end of the bytes: the offset of a sequence cut short, or -1. */
  end(): number {
    return this.needed > 0 ? this.start : -1;
  }

  private fail(pushed: number): number {
    this.offset += pushed;
    return this.start;
  }
}
