package dev.pitstop.cli;

import dev.pitstop.procedure.OperationException;
import dev.pitstop.release.Versions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "release", mixinStandardHelpOptions = true,
        description = {"Makes release directories of applications Pitstop runs but does not host: their "
                + "release.json says how a node runs as a process (README, Running NocoBase with Pitstop)."},
        subcommands = ReleaseCommand.Nocobase.class)
final class ReleaseCommand {

    // No standard help mixin: its -V/--version would take the place of the NocoBase version.
    @Command(name = "nocobase",
            description = {"Makes a release of NocoBase from the npm registry: create-nocobase-app writes the "
                    + "project and yarn installs it, with the fixes it needs to install from the registry alone "
                    + "(each explained as it is applied). Needs Node.js 20 or later and npx; no global yarn.",
                    "The install is cached by version (the first one takes a few minutes, later ones seconds); "
                            + "the release directory hard-links the cache's node_modules but copies what NocoBase "
                            + "writes as it runs (so do not run yarn in it), has no key for NocoBase's tokens "
                            + "(each cluster makes its own), and is then started with: pitstop up --release DIR."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:written", "1:the registry, npx or the install failed; the message shows the log",
                    "2:usage error: --output exists, or a plugin directory has no package.json"})
    static final class Nocobase implements Callable<Integer> {

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        private boolean help;

        @Option(names = "--version", required = true, paramLabel = "V",
                description = "The version of NocoBase (npm @nocobase/app), e.g. 2.2.15.")
        private String version;

        @Option(names = "--output", required = true, paramLabel = "DIR",
                description = "The release directory to write; it must not exist yet.")
        private Path output;

        @Option(names = "--plugins", paramLabel = "DIR",
                description = {"A directory of local NocoBase plugins, one package (with its package.json) per "
                        + "subdirectory, built (their server code in plain JavaScript). They are copied into the "
                        + "release's packages/plugins and made known to NocoBase by their package name; add and "
                        + "enable them with the plugin commands of the release."})
        private Path plugins;

        @Option(names = "--release-version", paramLabel = "V",
                description = {"The release's own version, which upgrades compare: a second release of the same "
                        + "NocoBase version (a changed local plugin) needs a higher one, e.g. 2.2.16-local.1.",
                        "Default: the NocoBase version"})
        private String releaseVersion;

        @Option(names = "--cache", paramLabel = "DIR",
                description = "Where installs are kept by version. Default: $PITSTOP_CACHE, else "
                        + "$XDG_CACHE_HOME/pitstop, else ~/.cache/pitstop")
        private Path cache;

        @Override
        public Integer call() {
            try {
                Versions.parse(releaseVersion == null ? version : releaseVersion);
            } catch (IllegalArgumentException e) {
                throw OperationException.invalid("--release-version: " + e.getMessage());
            }
            new NocobaseRelease(cache == null ? NocobaseRelease.defaultCache(System.getenv()) : cache, System.out)
                    .make(version, releaseVersion == null ? version : releaseVersion, output.toAbsolutePath(),
                            plugins);
            return 0;
        }
    }
}
