package dev.pitstop.supervisor;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.home.Home;
import dev.pitstop.procedure.OperationException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HomeLockTest {

    @TempDir
    Path dir;

    @Test
    void admitsOneSupervisorPerHome() throws Exception {
        Home home = new Home(dir);
        try (HomeLock ignored = HomeLock.acquire(home)) {
            assertThatThrownBy(() -> HomeLock.acquire(home))
                    .isInstanceOf(OperationException.class)
                    .hasMessageContaining("a cluster is already running in " + dir);
        }
        HomeLock.acquire(home).close();
    }
}
