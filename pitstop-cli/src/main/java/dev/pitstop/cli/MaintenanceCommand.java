package dev.pitstop.cli;

import dev.pitstop.control.Cluster;
import dev.pitstop.driver.BuiltInGatewayTraffic;
import dev.pitstop.driver.TrafficDriver;
import dev.pitstop.home.Home;
import dev.pitstop.procedure.OperationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "maintenance", mixinStandardHelpOptions = true,
        description = "Maintenance of a running cluster.",
        subcommands = MaintenanceCommand.Page.class)
final class MaintenanceCommand {

    @ParentCommand
    private Pitstop pitstop;

    @Command(name = "page", mixinStandardHelpOptions = true,
            description = {"Puts the 503 status page up or takes it down. The nodes keep running untouched.",
                    "While it is up, every client request gets 503 with Retry-After and the page, except "
                            + "requests with the header X-Pitstop-Bypass: <the token in HOME/bypass.token>, "
                            + "so operators can check the cluster before traffic returns."},
            subcommands = {PageOn.class, PageOff.class})
    static final class Page {

        @ParentCommand
        private MaintenanceCommand maintenance;

        TrafficDriver traffic() {
            return new BuiltInGatewayTraffic(new Cluster(RunningCluster.open(home()).controlDb()));
        }

        Home home() {
            return maintenance.pitstop.home();
        }
    }

    @Command(name = "on", mixinStandardHelpOptions = true,
            description = "Answers every client request with the status page (status 503).",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the page is up", "1:no cluster runs in HOME", "2:the page file cannot be read"})
    static final class PageOn implements Callable<Integer> {

        @ParentCommand
        private Page page;

        @Option(names = "--file", paramLabel = "F", description = "An HTML file to show instead of the default page.")
        private Path file;

        @Option(names = "--retry-after", paramLabel = "S", defaultValue = "30",
                description = "Seconds clients are told to wait before retrying (Retry-After). Default: ${DEFAULT-VALUE}")
        private int retryAfter;

        @Override
        public Integer call() {
            if (retryAfter < 1) {
                throw OperationException.invalid("--retry-after must be at least 1 second, got " + retryAfter);
            }
            String html = file == null ? null : read(file);
            page.traffic().showStatusPage(html, retryAfter);
            System.out.printf("The status page is up: clients get 503 (Retry-After: %d s); operators pass with the "
                    + "header X-Pitstop-Bypass and the token in %s%n", retryAfter, page.home().bypassTokenFile());
            return 0;
        }

        private static String read(Path file) {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                throw OperationException.invalid("cannot read the status page file " + file + ": " + e);
            }
        }
    }

    @Command(name = "off", mixinStandardHelpOptions = true,
            description = "Takes the status page down: client requests go to the ready nodes again.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the page is down", "1:no cluster runs in HOME"})
    static final class PageOff implements Callable<Integer> {

        @ParentCommand
        private Page page;

        @Override
        public Integer call() {
            page.traffic().backToCluster();
            System.out.println("The status page is down: client requests go to the cluster again");
            return 0;
        }
    }
}
