package dev.pitstop.gateway;

import java.util.List;

/** The values of {@code Forwarded} and {@code X-Forwarded-For} that tell a node who the client is. */
final class ForwardedFor {

    private ForwardedFor() {
    }

    /** An address as a {@code for=} value of {@code Forwarded} (RFC 7239): quoted, IPv6 in brackets. */
    static String quote(String address) {
        return address.indexOf(':') >= 0 ? "\"[" + address + "]\"" : "\"" + address + "\"";
    }

    /** What a trusted proxy in front said, with this hop added last. */
    static String append(List<String> before, String hop) {
        return before.isEmpty() ? hop : String.join(", ", before) + ", " + hop;
    }
}
