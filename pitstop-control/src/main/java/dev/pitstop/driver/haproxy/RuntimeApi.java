package dev.pitstop.driver.haproxy;

import dev.pitstop.procedure.OperationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * HAProxy's runtime API over its UNIX socket: one command per connection, answered with text until
 * HAProxy closes the connection.
 */
final class RuntimeApi {

    private final Path socket;

    RuntimeApi(Path socket) {
        this.socket = socket;
    }

    /** Sends {@code command} and returns HAProxy's answer, stripped; empty for most successful changes. */
    String send(String command) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) {
                answer.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return answer.toString(StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw OperationException.failed("cannot reach HAProxy's runtime API at " + socket + " (" + command + "): "
                    + e.getMessage() + "; is HAProxy running with 'stats socket " + socket + " level admin'?");
        }
    }

    /** Sends a change whose success HAProxy answers with nothing. */
    void change(String command) {
        String answer = send(command);
        if (!answer.isEmpty()) {
            throw OperationException.failed("HAProxy refused '" + command + "' on " + socket + ": " + answer);
        }
    }

    @Override
    public String toString() {
        return socket.toString();
    }
}
