package dev.pitstop.backup.format;

import java.time.Instant;

/**
 * What a backup says about itself in clear text, in its header: enough to list it and to refuse
 * restoring it into an older release without asking for a password. The header checksum, and for
 * an encrypted file the authentication of every chunk, make it as trustworthy as the rest.
 *
 * @param release    the application release the backup was made by, or null when not known
 * @param createdAt  when the snapshot was taken
 * @param storage    whether the backup carries the storage directory
 * @param encryption how the body is encrypted, or null when it is not
 */
public record BackupLabel(String release, Instant createdAt, boolean storage, Encryption encryption) {

    public boolean encrypted() {
        return encryption != null;
    }
}
