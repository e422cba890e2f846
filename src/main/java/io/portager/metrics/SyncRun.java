package io.portager.metrics;

import java.time.Duration;
import java.time.Instant;

/**
 * The numbers of one finished sync run of an ImageSync.
 *
 * @param succeeded true when no tag failed
 * @param copied tags copied in this run
 * @param skipped tags already up to date in this run
 * @param failed tags that failed in this run
 * @param syncedTags tags in sync after the run, counting tags the run did not touch
 * @param failedTags tags failed after the run, counting tags the run did not touch
 * @param totalTags all tags of the ImageSync after the run
 */
public record SyncRun(
    String namespace,
    String name,
    boolean succeeded,
    Duration duration,
    long copied,
    long skipped,
    long failed,
    long bytesCopied,
    long blobsCopied,
    long blobsMounted,
    long blobsSkipped,
    int syncedTags,
    int failedTags,
    int totalTags,
    Instant finished) {}
