package io.portager.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoredGzipTest {
  @ParameterizedTest
  @ValueSource(ints = {1, 7, 65_534, 65_535, 65_536, 200_000})
  void decompressesToGeneratedBytes(int size) throws IOException {
    byte[] gzip = StoredGzip.bytes(42, size);

    byte[] content;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      content = in.readAllBytes();
    }

    assertEquals(StoredGzip.size(size), gzip.length);
    assertArrayEquals(new DeterministicBytes(42, size).readAllBytes(), content);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 8, 9, 1000})
  void generatesSameBytesTwice(int size) throws IOException {
    assertArrayEquals(
        new DeterministicBytes(7, size).readAllBytes(),
        new DeterministicBytes(7, size).readAllBytes());
  }
}
