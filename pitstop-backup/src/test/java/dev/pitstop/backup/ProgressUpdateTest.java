package dev.pitstop.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.backup.ProgressUpdate.Stage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressUpdateTest {

    @Test
    void describesBytesRateAndTables() {
        assertThat(new ProgressUpdate(Stage.RESTORING, List.of("app.events"), 432_345_088, 1_288_490_189, 157_286_400,
                false).describe()).isEqualTo("restoring: 412.3 MiB of 1.2 GiB (33%), 150.0 MiB/s: app.events");
        assertThat(new ProgressUpdate(Stage.BACKING_UP, List.of(), 2048, -1, 1024, true).describe())
                .isEqualTo("backed up: 2.0 KiB, 1.0 KiB/s");
        assertThat(ProgressUpdate.bytes(1023)).isEqualTo("1023 B");
    }
}
