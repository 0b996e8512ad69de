package dev.pitstop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.admin.AdminClient;
import dev.pitstop.control.Tokens;
import dev.pitstop.procedure.OperationException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Named tokens for the admin API, each with a role, managed through the nodes' admin API with "
                + "the home's admin token. The cluster keeps only their SHA-256 hashes: a token's value is shown "
                + "once, when it is created or rotated.",
                "",
                "Roles: viewer reads (node, plugins, backups); operator also changes plugins and backups (add, "
                        + "enable, disable, upgrade, remove; create, verify, restore, delete); admin also manages "
                        + "tokens. The audit log ('pitstop history') names the token behind every change.",
                "",
                "The home's own admin token (named admin) is replaced through its file: pitstop down, delete "
                        + "HOME/admin.token, pitstop up."},
        subcommands = TokenCommand.ListTokens.class,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done",
                "1:failed, or the admin API cannot be reached",
                "2:usage error, or --output names a file that exists",
                "3:refused: no such token, a name taken, or the home's admin token"})
final class TokenCommand {

    private static final String NAME_DESCRIPTION = "The token's name: 1 to 63 characters, lower-case letters, "
            + "digits, '.', '_' or '-'. It is what the audit log records.";
    private static final String OUTPUT_DESCRIPTION = "Write the token's value to this new file, readable by its owner "
            + "only (0600), instead of printing it. Refused if the file exists.";

    @ParentCommand
    private Pitstop pitstop;

    private AdminClient admin() {
        RunningCluster cluster = RunningCluster.open(pitstop);
        return new AdminClient(cluster.admin(), cluster.adminToken(), pitstop.tlsTrust());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates a named token and shows its value once (or writes it to --output).")
    int create(@Parameters(paramLabel = "NAME", description = NAME_DESCRIPTION) String name,
               @Option(names = "--role", paramLabel = "ROLE", defaultValue = "operator",
                       description = "viewer | operator | admin. Default: ${DEFAULT-VALUE}") String role,
               @Option(names = "--output", paramLabel = "FILE", description = OUTPUT_DESCRIPTION) Path output) {
        if (!role.equals("viewer") && !role.equals("operator") && !role.equals("admin")) {
            throw OperationException.invalid("--role must be viewer, operator or admin, got '" + role + "'");
        }
        requireNew(output);
        JsonNode created = admin().createToken(name, role);
        return hand(created, output, "Created token " + name + " (" + role + ")");
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Gives a token a new value, shown once (or written to --output); the old value stops working "
                    + "at once. Its name and role stay.")
    int rotate(@Parameters(paramLabel = "NAME", description = NAME_DESCRIPTION) String name,
               @Option(names = "--output", paramLabel = "FILE", description = OUTPUT_DESCRIPTION) Path output) {
        requireNew(output);
        return hand(admin().rotateToken(name), output, "Rotated token " + name);
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Deletes a token: it stops working at once.")
    int revoke(@Parameters(paramLabel = "NAME", description = NAME_DESCRIPTION) String name) {
        admin().revokeToken(name);
        System.out.println("Revoked token " + name);
        return 0;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the tokens: name, role, when created and last rotated. Never their values.")
    static final class ListTokens implements Callable<Integer> {

        @ParentCommand
        private TokenCommand token;

        @Override
        public Integer call() {
            String format = "%-24s %-9s %-28s %s%n";
            System.out.printf(format, "NAME", "ROLE", "CREATED", "ROTATED");
            for (JsonNode t : token.admin().tokens()) {
                System.out.printf(format, t.path("name").asText(), t.path("role").asText(),
                        t.path("createdAt").asText(), t.path("rotatedAt").asText("-"));
            }
            return 0;
        }
    }

    /** Checked before the token exists: a value that cannot be written would be lost. */
    private static void requireNew(Path output) {
        if (output != null && output.toFile().exists()) {
            throw OperationException.invalid("--output " + output + " exists; name a new file, nothing was changed");
        }
    }

    private static int hand(JsonNode answer, Path output, String done) {
        String value = answer.path("token").asText();
        if (output == null) {
            System.out.println(done + "; its value, shown only now:");
            System.out.println(value);
            return 0;
        }
        try {
            Tokens.write(output, value);
        } catch (FileAlreadyExistsException e) {
            throw OperationException.failed(output + " appeared meanwhile; the token exists now: rotate it to get a"
                    + " value again (pitstop token rotate " + answer.path("name").asText() + ")");
        } catch (IOException e) {
            throw OperationException.failed("cannot write " + output + ": " + e.getMessage() + "; the token exists"
                    + " now: rotate it to get a value again (pitstop token rotate " + answer.path("name").asText() + ")");
        }
        System.out.println(done + "; its value is in " + output + " (readable by you only)");
        return 0;
    }
}
