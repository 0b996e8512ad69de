package dev.pitstop.home;

import java.util.Arrays;
import java.util.List;

/**
 * The {@code nginx:} section of {@code pitstop.yml}, for {@code traffic: nginx}.
 *
 * <pre>
 * nginx:
 *   include-file: /etc/nginx/conf.d/pitstop.conf   # written by Pitstop; nginx.conf includes it in its http block
 *   listen: 80                                      # the listen directive of the server Pitstop writes
 *   test-command: nginx -t                          # default; checks the configuration before a reload
 *   reload-command: nginx -s reload                 # default
 * </pre>
 *
 * Commands are split on spaces and run without a shell, so an argument cannot hold a space.
 *
 * @param includeFile   the file Pitstop owns and rewrites: the upstream, the bypass map and the server
 * @param listen        what the server listens on: a port, or address:port
 * @param testCommand   checks nginx's whole configuration, including the new include file
 * @param reloadCommand makes the running nginx load it
 */
public record NginxSettings(String includeFile, String listen, String testCommand, String reloadCommand) {

    public NginxSettings {
        if (includeFile == null || includeFile.isBlank()) {
            throw new IllegalArgumentException("config key 'nginx.include-file' is required: the file Pitstop writes "
                    + "and nginx.conf includes in its http block, e.g. /etc/nginx/conf.d/pitstop.conf");
        }
        if (listen == null || !listen.matches("(\\S+:)?\\d{1,5}")) {
            throw new IllegalArgumentException("config key 'nginx.listen' must be a port or address:port, e.g. 80 or "
                    + "127.0.0.1:8080, got " + (listen == null ? "nothing" : "'" + listen + "'"));
        }
        testCommand = testCommand == null ? "nginx -t" : testCommand;
        reloadCommand = reloadCommand == null ? "nginx -s reload" : reloadCommand;
    }

    public List<String> testCommandLine() {
        return words(testCommand);
    }

    public List<String> reloadCommandLine() {
        return words(reloadCommand);
    }

    private static List<String> words(String command) {
        return Arrays.asList(command.strip().split("\\s+"));
    }
}
