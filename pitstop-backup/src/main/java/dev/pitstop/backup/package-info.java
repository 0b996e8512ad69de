/**
 * Backup and restore of a Pitstop application: {@link dev.pitstop.backup.Backups} to create,
 * verify and restore; {@link dev.pitstop.backup.BackupCatalog} for the backups directory;
 * {@link dev.pitstop.backup.BackupScheduler} for scheduled backups; {@link dev.pitstop.backup.Fingerprint}
 * to prove that a restore or a rollback brought back what was there.
 */
package dev.pitstop.backup;
