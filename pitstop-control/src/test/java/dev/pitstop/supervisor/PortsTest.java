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
            assertThatThrownBy(() -> Ports.requireFree(Ports.HOST, taken.getLocalPort(), "the gateway"))
                    .isInstanceOf(OperationException.class)
                    .hasMessage("port " + taken.getLocalPort() + " (the gateway) is already in use on 127.0.0.1;"
                            + " stop what uses it or choose another port; nothing was started");
        }
    }

    @Test
    void refusesAnAddressThisMachineDoesNotHaveWithTheSystemsWords() {
        // 192.0.2.0/24 is TEST-NET-1: documentation only, on no interface of this machine.
        assertThatThrownBy(() -> Ports.requireFree("192.0.2.1", Ports.free(), "the gateway"))
                .isInstanceOf(OperationException.class)
                .hasMessageStartingWith("port ")
                .hasMessageContaining("(the gateway) cannot be opened on 192.0.2.1 (")
                .hasMessageEndingWith("); choose another address or port; nothing was started");
    }

    @Test
    void aClientOnThisMachineReachesAWildcardAddressOnLoopback() {
        org.assertj.core.api.Assertions.assertThat(Ports.local("0.0.0.0")).isEqualTo("127.0.0.1");
        org.assertj.core.api.Assertions.assertThat(Ports.local("192.0.2.2")).isEqualTo("192.0.2.2");
    }

    @Test
    void acceptsAFreePort() {
        assertThatCode(() -> Ports.requireFree(Ports.HOST, Ports.free(), "the gateway")).doesNotThrowAnyException();
    }
}
