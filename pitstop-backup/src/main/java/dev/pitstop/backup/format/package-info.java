/**
 * The backup file format, version 1. A backup is one file:
 * <pre>
 *   header   clear text: signature, format version, chunk size, label (release, created at,
 *            storage or not, encryption settings), SHA-256 of the header     {@link dev.pitstop.backup.format.BackupHeader}
 *   body     chunks of 1 MiB, each sealed with its index and a last-chunk flag:
 *            SHA-256 when in the clear, AES-256-GCM under an Argon2id key when encrypted
 *                                                                            {@link dev.pitstop.backup.format.SealedOutputStream}
 *   records  inside the body: entries opened, zstd blocks of their bytes, entries closed,
 *            and the manifest last                                           {@link dev.pitstop.backup.format.RecordWriter}
 * </pre>
 * The first entry holds the definitions, then come the tables' rows in COPY text format and the
 * storage directory's directories and files, interleaved block by block as parallel workers
 * produce them. The manifest lists every entry with its size, row count and SHA-256, so that a
 * reader proves the whole file sound before acting on it, and a truncated, reordered or altered
 * file fails with the offset of the damage.
 */
package dev.pitstop.backup.format;
