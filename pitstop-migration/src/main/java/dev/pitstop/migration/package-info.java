/**
 * Environment migration: moves an application's configuration and schema from one cluster to
 * another — development to staging to production — by per-table rules, never the target's user
 * data or its secrets. {@link dev.pitstop.migration.Migrations} creates, checks and applies.
 *
 * <h2>Roles and rules</h2>
 * The core and each plugin declare what their tables hold ({@link dev.pitstop.migration.Declarations}):
 * <ul>
 *   <li><b>configuration</b>, default rule {@code overwrite} — the core's {@code app.settings};
 *       a plugin's {@code plugin.tables.configuration};</li>
 *   <li><b>user data</b>, default {@code schema-only} — a plugin's {@code plugin.tables.data}, and
 *       every table nobody declares;</li>
 *   <li><b>environment</b> — the core's {@code app.environment} (name, value, secret): variables
 *       and secrets of one environment. Never moved; the file carries their names only, and the
 *       target must have a value for each (or be given one);</li>
 *   <li><b>internal</b> — plugin state ({@code app.plugins}) and migration histories. Never moved:
 *       a migration <em>checks</em> that the target has the source's plugins, at the same version
 *       or newer, since a plugin's tables only make sense with the plugin installed.</li>
 * </ul>
 * A rules file ({@link dev.pitstop.migration.RulesFile}) gives configuration and user-data tables
 * another {@link dev.pitstop.migration.Rule}: {@code schema-only}, {@code overwrite}, {@code upsert},
 * {@code insert-ignore}, {@code skip}. {@code upsert} and {@code insert-ignore} match rows by primary
 * key, so they are refused for a table without one, or whose key is database-generated — any key
 * column with an identity, a default ({@code serial}, {@code nextval}, {@code gen_random_uuid()}) or
 * a generation expression: each database makes such values on its own, so an equal key is not the
 * same row. {@code overwrite} takes the source's rows whole and is allowed for every table.
 *
 * <h2>The file</h2>
 * The backup file format ({@link dev.pitstop.backup.format}) with its own signature
 * ({@link dev.pitstop.backup.format.FileType#MIGRATION}), so that {@code backup restore} refuses a
 * migration file at its first bytes. Sealed chunks; a first entry {@code migration.json} holding the
 * {@link dev.pitstop.migration.MigrationPlan} (every table's role, owner, rule and key; the
 * environment's names; the definitions of what moves, as the backup engine's catalog reader writes
 * them, without sequence positions); then the rows of each table whose rule moves data, in COPY
 * text; then the manifest: source release, plugins and versions, server, and each entry's rows and
 * SHA-256. A file is verified whole before anything is done with it.
 *
 * <h2>Check and apply</h2>
 * Both run the same code in one transaction on the target; check rolls it back, apply commits, so
 * the preview is what apply does. First the checks, each refusing with every reason at once: a
 * release older than the source's, missing or older plugins ({@code allowMissingPlugins} leaves
 * their tables out instead), missing environment values, a different encoding or older PostgreSQL,
 * a key that does not match a key rule, and schema conflicts. Then:
 * <ol>
 *   <li>the schema: what the target lacks is created and columns it lacks are added (with the
 *       source's default, so that existing rows get a value); column defaults are set to the
 *       source's. Nothing is dropped or altered: an object of the same name that differs is a
 *       conflict for the operator to settle ({@link dev.pitstop.migration.SchemaChanges});</li>
 *   <li>the environment values given for missing names;</li>
 *   <li>each moving table's rows, staged and merged by rule with exact counts, then verified
 *       ({@link dev.pitstop.migration.TableMerge});</li>
 *   <li>on apply, sequences moved past the inserted keys, the log entry written, the commit.</li>
 * </ol>
 * A failure rolls everything back; it is logged (outcome {@code failed}) with the step it failed in.
 * The log ({@link dev.pitstop.migration.MigrationLog}) lives in the control schema, so a restore of
 * the pre-migration backup keeps it.
 *
 * <p>Not carried: comments, and the target's sequence positions. Tables are merged in name order;
 * foreign keys between two overwritten tables whose keys change may refuse that order.
 */
package dev.pitstop.migration;
