package io.portager.registry;

/**
 * How to reach one registry host: {@code host[:port]}, and the per-registry transport choices that
 * weaken security, both off unless the ImageSync asks for them.
 */
public record RegistryEndpoint(String host, boolean plainHttp, boolean insecureSkipTlsVerify) {}
