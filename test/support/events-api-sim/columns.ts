/**
 * Off-heap column storage for a million events: growable typed arrays and a byte arena of UTF-8
 * texts. Keeping item texts outside the JS heap keeps the garbage collector out of the way while
 * generating and serving.
 */

type TypedArray = Float64Array | Uint32Array | Uint16Array | Uint8Array;

/** A typed array that doubles when full. */
class Growable<T extends TypedArray> {
  private data: T;
  private size = 0;

  constructor(private readonly make: (capacity: number) => T) {
    this.data = make(1024);
  }

  get length(): number {
    return this.size;
  }

  push(value: number): void {
    if (this.size === this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size] = value;
    this.size += 1;
  }

  get(index: number): number {
    return index < this.size ? (this.data[index] ?? 0) : 0;
  }

  set(index: number, value: number): void {
    if (index < this.size) this.data[index] = value;
  }
}

export class Float64Column extends Growable<Float64Array> {
  constructor() {
    super((n) => new Float64Array(n));
  }
}

export class Uint32Column extends Growable<Uint32Array> {
  constructor() {
    super((n) => new Uint32Array(n));
  }
}

export class Uint16Column extends Growable<Uint16Array> {
  constructor() {
    super((n) => new Uint16Array(n));
  }
}

export class Uint8Column extends Growable<Uint8Array> {
  constructor() {
    super((n) => new Uint8Array(n));
  }
}

const chunkBytes = 16 * 1024 * 1024;

/** Append-only UTF-8 texts in large chunks; each text is addressed by its append index. */
export class ByteArena {
  private readonly chunks: Buffer[] = [];
  /** The chunk small texts go to, and how much of it is used. */
  private current = -1;
  private used = 0;
  private readonly chunkOf = new Uint32Column();
  private readonly offsetOf = new Uint32Column();
  private readonly lengthOf = new Uint32Column();

  get length(): number {
    return this.lengthOf.length;
  }

  append(text: string): number {
    // A UTF-16 unit never takes more than 3 UTF-8 bytes, so this bound needs no byteLength pass.
    const worst = text.length * 3;
    if (worst > chunkBytes / 4) {
      const own = Buffer.from(text, 'utf8');
      this.chunks.push(own);
      return this.record(this.chunks.length - 1, 0, own.length);
    }
    let chunk = this.chunks[this.current];
    if (chunk === undefined || this.used + worst > chunk.length) {
      chunk = Buffer.allocUnsafeSlow(chunkBytes);
      this.chunks.push(chunk);
      this.current = this.chunks.length - 1;
      this.used = 0;
    }
    const written = chunk.write(text, this.used, 'utf8');
    const index = this.record(this.current, this.used, written);
    this.used += written;
    return index;
  }

  /** A view of text `index`'s bytes (no copy). */
  bytes(index: number): Buffer {
    const chunk = this.chunks[this.chunkOf.get(index)];
    if (chunk === undefined) return Buffer.alloc(0);
    const offset = this.offsetOf.get(index);
    return chunk.subarray(offset, offset + this.lengthOf.get(index));
  }

  byteLength(index: number): number {
    return this.lengthOf.get(index);
  }

  text(index: number): string {
    return this.bytes(index).toString('utf8');
  }

  private record(chunk: number, offset: number, length: number): number {
    this.chunkOf.push(chunk);
    this.offsetOf.push(offset);
    this.lengthOf.push(length);
    return this.lengthOf.length - 1;
  }
}
