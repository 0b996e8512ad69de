package dev.pitstop.http;

import java.nio.file.Path;
import java.util.Objects;

/**
 * HTTPS for a Pitstop server (the gateway, a node): its certificate chain and private key as PEM
 * files, and what a plain HTTP request to the same port gets.
 *
 * @param certificate the PEM certificate chain, the server's first
 * @param key         the PEM private key (PKCS#8, or a traditional RSA/EC key), unencrypted
 * @param plainHttp   what a plain HTTP request gets on the HTTPS port
 */
public record TlsSettings(Path certificate, Path key, PlainHttp plainHttp) {

    /** What a request that arrives without TLS gets. */
    public enum PlainHttp {
        /** 403 and a message naming the https URL: nothing is served in clear. */
        REFUSE,
        /** 308 to the same URL with https: for browsers; a token sent in clear is still exposed. */
        REDIRECT;

        /** @throws IllegalArgumentException naming the values */
        public static PlainHttp of(String value) {
            return switch (value == null ? "refuse" : value) {
                case "refuse" -> REFUSE;
                case "redirect" -> REDIRECT;
                default -> throw new IllegalArgumentException("config key 'tls.http' must be refuse or redirect, got '"
                        + value + "'");
            };
        }
    }

    public TlsSettings {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(plainHttp, "plainHttp");
    }
}
