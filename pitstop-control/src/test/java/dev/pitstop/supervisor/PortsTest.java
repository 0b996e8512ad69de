package dev.pitstop.supervisor;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.procedure.OperationException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void refusesATakenPortNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(Ports.HOST))) {
            assertThatThrownBy(() -> Ports.requireFree(taken.getLocalPort(), "the gateway"))
                    .isInstanceOf(OperationException.class)
                    .hasMessage("port " + taken.getLocalPort() + " (the gateway) is already in use on 127.0.0.1;"
                            + " stop what uses it or choose another port; nothing was started");
        }
    }

    @Test
    void acceptsAFreePort() {
        assertThatCode(() -> Ports.requireFree(Ports.free(), "the gateway")).doesNotThrowAnyException();
    }
}
