package dev.pitstop.node.http;

import dev.pitstop.backup.BackupException;
import dev.pitstop.backup.InvalidBackupException;
import dev.pitstop.backup.RestoreRefusedException;
import dev.pitstop.control.TokenException;
import dev.pitstop.node.plugin.PluginChangeException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's one mapping from exceptions to answers. The typed exceptions carry messages
 * written for the operator and keep them; anything else is a bug or an outage whose Java text
 * belongs in the node's log, not in an answer that anyone holding a token can read.
 */
final class AdminErrors {

    private static final Logger log = LoggerFactory.getLogger(AdminErrors.class);

    private AdminErrors() {
    }

    record Answer(int status, Map<String, String> body) {
        Answer(int status, String message) {
            this(status, Map.of("error", message));
        }
    }

    static Answer answer(RuntimeException e, String method, String path, String nodeId) {
        if (e instanceof PluginChangeException change) {
            return new Answer(status(change.reason()), change.getMessage());
        }
        if (e instanceof Json.BadJson) {
            return new Answer(400, e.getMessage());
        }
        if (e instanceof TokenException token) {
            return new Answer(switch (token.reason()) {
                case INVALID, UNSAFE_FILE -> 422;
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
            }, token.getMessage());
        }
        if (e instanceof RestoreRefusedException) {
            return new Answer(409, e.getMessage());
        }
        if (e instanceof InvalidBackupException) {
            return new Answer(422, e.getMessage());
        }
        if (e instanceof BackupException) {
            log.error("Admin request {} {} failed", method, path, e);
            return new Answer(500, e.getMessage());
        }
        log.error("Admin request {} {} failed", method, path, e);
        return new Answer(500, method + " " + path + " failed on node " + nodeId
                + " with an unexpected error; the node's log has the details");
    }

    private static int status(PluginChangeException.Reason reason) {
        return switch (reason) {
            case POLICY -> 403;
            case CONFLICT -> 409;
            case INVALID -> 422;
            case NOT_FOUND -> 404;
            case TOO_LARGE -> 413;
            case FAILED -> 500;
        };
    }
}
