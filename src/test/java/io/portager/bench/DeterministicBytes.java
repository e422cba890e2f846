package io.portager.bench;

import java.io.InputStream;

/**
 * A stream of {@code size} pseudo-random bytes fixed by {@code seed}, made block by block with
 * SplitMix64, so a blob of any size can be generated twice (once for its digest, once for the
 * upload) without being held in memory.
 */
final class DeterministicBytes extends InputStream {
  private final long seed;
  private final long size;
  private long position;

  DeterministicBytes(long seed, long size) {
    this.seed = seed;
    this.size = size;
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) {
    if (position >= size) {
      return -1;
    }
    int count = (int) Math.min(length, size - position);
    // One 64-bit word per 8 bytes of output, taken byte by byte.
    long word = word(position);
    for (int i = 0; i < count; i++) {
      long at = position + i;
      if ((at & 7) == 0) {
        word = word(at);
      }
      buffer[offset + i] = (byte) (word >>> ((at & 7) * 8));
    }
    position += count;
    return count;
  }

  @Override
  public void close() {
    // Nothing to release: the content is computed.
  }

  @Override
  public long skip(long n) {
    long skipped = Math.min(n, size - position);
    position += skipped;
    return skipped;
  }

  private long word(long at) {
    return mix(seed + (at >>> 3) * 0x9E3779B97F4A7C15L);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
