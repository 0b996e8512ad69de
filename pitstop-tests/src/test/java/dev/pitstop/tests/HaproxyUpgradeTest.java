package dev.pitstop.tests;

import java.nio.file.Path;

/** The upgrade behind a real HAProxy, which Pitstop steers through its runtime API. */
class HaproxyUpgradeTest extends ProxyUpgradeTest {

    @Override
    ProxyServer startProxy(Path dir) throws Exception {
        return HaproxyServer.start(dir);
    }
}
