package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The files of deploy/prometheus, checked by Prometheus's own promtool (Debian package prometheus,
 * installed by bin/test): the alert rules, their unit tests (one or more per alert), the scrape
 * configuration's syntax. Its files (the token, the targets) exist only beside a running cluster:
 * PrometheusTest checks it in full there.
 */
class PrometheusRulesTest {

    static final Path DEPLOY = Path.of("..", "deploy", "prometheus").toAbsolutePath().normalize();

    @Test
    void alertRulesAreValidAndPassTheirUnitTests() throws Exception {
        assertThat(Promtool.run("check", "rules", DEPLOY.resolve("alerts.yml").toString()))
                .contains("SUCCESS: 6 rules found");
        assertThat(Promtool.run("test", "rules", DEPLOY.resolve("alerts.test.yml").toString())).contains("SUCCESS");
    }

    @Test
    void scrapeConfigurationIsValid() throws Exception {
        Promtool.run("check", "config", "--syntax-only", DEPLOY.resolve("prometheus.yml").toString());
    }
}
