package io.portager.bench;

/**
 * One measured run of one tool in one scenario. Source traffic counts reads; destination traffic
 * counts both reads and writes. Peak RSS is above zero only where it could be measured.
 */
record Sample(
    String scenario,
    String tool,
    double wallSeconds,
    double cpuSeconds,
    long peakResidentBytes,
    Traffic source,
    Traffic destination) {}
