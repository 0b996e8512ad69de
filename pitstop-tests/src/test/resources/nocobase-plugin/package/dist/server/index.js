// The plugin does nothing itself: NocobaseClusterTest ships it in every release, with the migrations of
// the release under dist/server/migrations, where NocoBase looks for a plugin's migrations.
const { Plugin } = require('@nocobase/server');

class UpgradeCheckPlugin extends Plugin {}

module.exports = UpgradeCheckPlugin;
