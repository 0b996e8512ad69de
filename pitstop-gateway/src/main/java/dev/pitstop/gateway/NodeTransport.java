package dev.pitstop.gateway;

import java.util.Map;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.client.transport.internal.HttpConnectionOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;

/**
 * HTTP/1.1 to the nodes, with each node connection's reads run by the thread that saw the bytes
 * arrive. Jetty's client declares its reads blocking, so every node response was handed from the
 * selector to another thread of the pool (a wake-up and a context switch per response); but what a
 * read does here never blocks: it parses the node's response and writes it to the client
 * asynchronously, or retries on another node, which only reads a snapshot of the rotation.
 */
final class NodeTransport extends HttpClientTransportOverHTTP {

    NodeTransport() {
        super(new ClientConnector());
    }

    @Override
    public Connection newConnection(EndPoint endPoint, Map<String, Object> context) {
        NodeConnection connection = new NodeConnection(endPoint, context);
        connection.setInitialize(isInitializeConnections());
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return customize(connection, context);
    }

    private static final class NodeConnection extends HttpConnectionOverHTTP {
        private final Callback readable = Callback.from(InvocationType.NON_BLOCKING, this::onFillable,
                this::onFillInterestedFailed);

        NodeConnection(EndPoint endPoint, Map<String, Object> context) {
            super(endPoint, context);
        }

        @Override
        public void fillInterested() {
            fillInterested(readable);
        }
    }
}
