package dev.pitstop.tests;

import java.nio.file.Path;

/** The upgrade behind a real nginx, which Pitstop steers through its include file and reloads. */
class NginxUpgradeTest extends ProxyUpgradeTest {

    @Override
    ProxyServer startProxy(Path dir) throws Exception {
        return NginxServer.start(dir);
    }
}
