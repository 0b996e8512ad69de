package dev.pitstop.gateway;

import java.util.List;
import java.util.function.BiConsumer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;

/** The headers that tell a node who the client is: {@code Forwarded} and, as most frameworks still read only those, {@code X-Forwarded-*}. */
final class ForwardedFor {

    private ForwardedFor() {
    }

    /**
     * Gives {@code put} each header for the request to a node: the connection's address replaces
     * what the client said of itself unless {@code trusted} (a proxy of the operator's in front),
     * when it is appended.
     */
    static void headers(Request clientToProxy, boolean trusted, BiConsumer<HttpHeader, String> put) {
        HttpURI uri = clientToProxy.getHttpURI();
        String client = Request.getRemoteAddr(clientToProxy);
        String forwarded = "for=" + quote(client) + ";proto=" + uri.getScheme();
        if (trusted) {
            HttpFields before = clientToProxy.getHeaders();
            put.accept(HttpHeader.X_FORWARDED_FOR, append(before.getValuesList(HttpHeader.X_FORWARDED_FOR), client));
            put.accept(HttpHeader.FORWARDED, append(before.getValuesList(HttpHeader.FORWARDED), forwarded));
        } else {
            put.accept(HttpHeader.X_FORWARDED_FOR, client);
            put.accept(HttpHeader.FORWARDED, forwarded);
        }
        put.accept(HttpHeader.X_FORWARDED_PROTO, uri.getScheme());
        put.accept(HttpHeader.X_FORWARDED_HOST, uri.getAuthority());
    }

    /** An address as a {@code for=} value of {@code Forwarded} (RFC 7239): quoted, IPv6 in brackets. */
    private static String quote(String address) {
        return address.indexOf(':') >= 0 ? "\"[" + address + "]\"" : "\"" + address + "\"";
    }

    private static String append(List<String> before, String hop) {
        return before.isEmpty() ? hop : String.join(", ", before) + ", " + hop;
    }
}
