package dev.pitstop.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.backup.InvalidBackupException;
import dev.pitstop.backup.RestoreRefusedException;
import dev.pitstop.node.plugin.PluginChangeException;
import org.junit.jupiter.api.Test;

class AdminErrorsTest {

    @Test
    void anUnexpectedExceptionKeepsItsTextForTheLog() {
        AdminErrors.Answer answer = AdminErrors.answer(new IllegalStateException("connection to 10.0.0.7:5432 refused"),
                "GET", "/admin/backups", "node-1");

        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.body().get("error")).isEqualTo(
                "GET /admin/backups failed on node node-1 with an unexpected error; the node's log has the details");
    }

    @Test
    void typedExceptionsKeepTheirMessageAndStatus() {
        assertThat(AdminErrors.answer(new PluginChangeException(PluginChangeException.Reason.POLICY, "frozen"),
                "POST", "/admin/plugins", "n")).isEqualTo(new AdminErrors.Answer(403, "frozen"));
        assertThat(AdminErrors.answer(new RestoreRefusedException("serving"), "POST", "/admin/backups/b/restore", "n"))
                .isEqualTo(new AdminErrors.Answer(409, "serving"));
        assertThat(AdminErrors.answer(new InvalidBackupException("bad seal"), "POST", "/admin/backups/b/verify", "n"))
                .isEqualTo(new AdminErrors.Answer(422, "bad seal"));
    }
}
