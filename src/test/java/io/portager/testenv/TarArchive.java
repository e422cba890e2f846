package io.portager.testenv;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes POSIX ustar archives byte for byte, so that the same files always give the same bytes:
 * entries are sorted by path, owner is 0:0, and every entry has the same modification time.
 */
final class TarArchive {
  private static final int BLOCK = 512;

  /** 2024-01-01T00:00:00Z, the modification time of every entry. */
  static final long MODIFICATION_TIME = 1_704_067_200L;

  private TarArchive() {}

  /**
   * Returns a tar archive of {@code files} (relative path to content) with an entry for each parent
   * directory.
   */
  static byte[] of(Map<String, byte[]> files) {
    SortedMap<String, byte[]> sorted = new TreeMap<>(files);
    TreeSet<String> directories = new TreeSet<>();
    for (String path : sorted.keySet()) {
      validatePath(path);
      for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
        directories.add(path.substring(0, slash + 1));
      }
    }

    List<String> order = new ArrayList<>(directories);
    order.addAll(sorted.keySet());
    order.sort(null);

    ByteArrayOutputStream output = new ByteArrayOutputStream();
    for (String path : order) {
      if (path.endsWith("/")) {
        output.writeBytes(header(path, 0, '5', 0755));
      } else {
        byte[] content = sorted.get(path);
        output.writeBytes(header(path, content.length, '0', 0644));
        output.writeBytes(content);
        output.writeBytes(new byte[padding(content.length)]);
      }
    }
    // Two zero blocks end the archive.
    output.writeBytes(new byte[2 * BLOCK]);
    return output.toByteArray();
  }

  private static byte[] header(String path, long size, char type, int mode) {
    byte[] header = new byte[BLOCK];
    put(header, 0, 100, path.getBytes(StandardCharsets.US_ASCII));
    putOctal(header, 100, 8, mode);
    putOctal(header, 108, 8, 0);
    putOctal(header, 116, 8, 0);
    putOctal(header, 124, 12, size);
    putOctal(header, 136, 12, MODIFICATION_TIME);
    header[156] = (byte) type;
    put(header, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
    put(header, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
    put(header, 265, 32, "root".getBytes(StandardCharsets.US_ASCII));
    put(header, 297, 32, "root".getBytes(StandardCharsets.US_ASCII));

    // The checksum is the byte sum of the header with the checksum field read as eight spaces,
    // written as six octal digits, a NUL and a space.
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    long checksum = 0;
    for (byte b : header) {
      checksum += b & 0xff;
    }
    put(header, 148, 7, String.format("%06o\0", checksum).getBytes(StandardCharsets.US_ASCII));
    return header;
  }

  /** Writes {@code value} as zero-padded octal digits followed by a NUL. */
  private static void putOctal(byte[] header, int offset, int length, long value) {
    String digits = Long.toOctalString(value);
    String padded = "0".repeat(length - 1 - digits.length()) + digits + "\0";
    put(header, offset, length, padded.getBytes(StandardCharsets.US_ASCII));
  }

  private static void put(byte[] header, int offset, int length, byte[] value) {
    if (value.length > length) {
      throw new IllegalArgumentException("tar header field longer than " + length + " bytes");
    }
    System.arraycopy(value, 0, header, offset, value.length);
  }

  private static int padding(int size) {
    return (BLOCK - size % BLOCK) % BLOCK;
  }

  private static void validatePath(String path) {
    if (path.isEmpty() || path.startsWith("/") || path.endsWith("/") || path.length() > 99) {
      throw new IllegalArgumentException(
          "tar entry " + path + ": expected a relative file path of 1 to 99 characters");
    }
  }
}
