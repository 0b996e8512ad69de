package dev.pitstop.supervisor;

import dev.pitstop.procedure.OperationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** TCP ports on the loopback interface, where the local cluster listens. */
final class Ports {

    static final String HOST = "127.0.0.1";

    private Ports() {
    }

    /** A port that was free a moment ago, chosen by the system. */
    static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + HOST + ": " + e.getMessage(), e);
        }
    }

    /** Refuses, naming the port and its use, when something else already listens on it at {@code host}. */
    static void requireFree(String host, int port, String usedFor) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            // The usual case says so plainly; another (an address this machine does not have) keeps the JDK's words.
            boolean inUse = e instanceof BindException && String.valueOf(e.getMessage()).startsWith("Address already in use");
            throw OperationException.refused("port " + port + " (" + usedFor + ") " + (inUse
                    ? "is already in use on " + host + "; stop what uses it or choose another port"
                    : "cannot be opened on " + host + " (" + e.getMessage() + "); choose another address or port")
                    + "; nothing was started");
        }
    }

    /** Where a client on this machine reaches a server listening on {@code host}. */
    static String local(String host) {
        return host.equals("0.0.0.0") || host.equals("::") ? HOST : host;
    }
}
