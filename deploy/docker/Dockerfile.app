# The application's image: one release directory (what the build leaves in
# demo/target/releases/<version>/: release.json, the node runtime in lib/, the bundled plugins in
# plugins/) on a Java 17 runtime. Tag it with the release's version: Pitstop sets the Deployment's
# image to kubernetes.image:<version> when it switches releases. See README.md here.
#
#   v=1.0.0
#   docker build -f deploy/docker/Dockerfile.app -t registry.example.com/pitstop-app:$v demo/target/releases/$v
#
# The build context is the release directory itself. Not built where Pitstop is developed (no
# Docker engine there): untested.
FROM eclipse-temurin:17-jre

# node.yml (deploy/kubernetes/app.yaml) names this directory as the node's release.
COPY . /opt/app/

# Storage and backups are volumes mounted at these paths (node.yml's storage and backup.dir).
# The node runs as an unprivileged user of its own (uid 10001, as app.yaml's securityContext says);
# the release stays owned by root, so the node cannot change its own code.
RUN groupadd --system --gid 10001 pitstop \
    && useradd --system --uid 10001 --gid pitstop --no-create-home --shell /usr/sbin/nologin pitstop \
    && mkdir -p /var/lib/pitstop/storage /var/lib/pitstop/backups \
    && chown -R pitstop:pitstop /var/lib/pitstop
USER 10001:10001

EXPOSE 8080

# As the local supervisor starts a node: java -cp 'RELEASE/lib/*' dev.pitstop.node.NodeMain --config FILE.
# The exec form makes java PID 1, so SIGTERM reaches the node, which drains its requests and stops.
# Java expands the classpath wildcard itself; no shell is involved. The Deployment gives the
# arguments: --config /etc/pitstop/node.yml.
ENTRYPOINT ["java", "-cp", "/opt/app/lib/*", "dev.pitstop.node.NodeMain"]
CMD ["--config", "/etc/pitstop/node.yml"]
