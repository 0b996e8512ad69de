package dev.pitstop.backup.format;

/**
 * What a file in this format holds. Each type starts with a signature of its own, so that a
 * migration file given to a restore (which would replace every table with the few it carries) is
 * refused as "not a backup" at its first bytes, and a backup given to a migration likewise.
 */
public enum FileType {
    BACKUP(new byte[] {(byte) 0x89, 'P', 'B', 'K', '\r', '\n', 0x1A, '\n'}, "backup"),
    MIGRATION(new byte[] {(byte) 0x89, 'P', 'M', 'G', '\r', '\n', 0x1A, '\n'}, "migration");

    private final byte[] magic;
    private final String noun;

    FileType(byte[] magic, String noun) {
        this.magic = magic;
        this.noun = noun;
    }

    byte[] magic() {
        return magic.clone();
    }

    /** "backup", for errors. */
    public String noun() {
        return noun;
    }
}
