// The second release's migration: it marks the user the upgrade test created, so the test sees it ran.
const { Migration } = require('@nocobase/server');

class MarkUpgraded extends Migration {
  on = 'afterLoad';

  async up() {
    await this.db.getRepository('users').update({
      filter: { username: 'upgrade-check' },
      values: { nickname: 'migrated' },
    });
  }
}

module.exports = MarkUpgraded;
