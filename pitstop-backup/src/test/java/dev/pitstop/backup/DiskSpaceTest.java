package dev.pitstop.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSpaceTest {

    @TempDir
    Path dir;

    @Test
    void aShortfallNamesBothNumbersAndWhatToFree() {
        assertThat(DiskSpace.shortfall(1000, 2500, Path.of("/var/lib/pitstop/storage"), "the backup's storage files"))
                .isEqualTo("the disk of /var/lib/pitstop/storage has 1000 bytes free and the backup's storage files"
                        + " need 2500 bytes; free 1500 bytes or more, then retry");
        assertThat(DiskSpace.shortfall(2500, 2500, dir, "x")).isNull();
    }

    @Test
    void theFreeDiskOfADirectoryNotYetMadeIsItsParents() throws Exception {
        assertThat(DiskSpace.free(dir.resolve("not/yet"))).isPositive();
    }
}
