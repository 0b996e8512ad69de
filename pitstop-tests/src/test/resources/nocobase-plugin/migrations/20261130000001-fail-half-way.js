// The third release's migration: it changes the user, then fails, so the upgrade must restore the data.
const { Migration } = require('@nocobase/server');

class FailHalfWay extends Migration {
  on = 'afterLoad';

  async up() {
    await this.db.getRepository('users').update({
      filter: { username: 'upgrade-check' },
      values: { nickname: 'half-migrated' },
    });
    throw new Error('this migration fails on purpose, after changing a user');
  }
}

module.exports = FailHalfWay;
