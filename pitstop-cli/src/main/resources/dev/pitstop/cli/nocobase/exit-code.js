// Written into a NocoBase release by `pitstop release nocobase`, and required (NODE_OPTIONS) by the
// release's install, upgrade and plugin change commands (pm add/enable/disable/remove).
//
// NocoBase's gateway runs a command such as `upgrade`, logs the error when it fails (a plugin's
// migration that throws, say) and exits with code 0, so whoever runs it cannot tell failure from
// success. Pitstop's upgrade rolls back on a failed upgrade command, and `pitstop plugin` reports a
// failed `pm` command (which the running application answered with an error over its IPC socket, and
// the CLI then ran in its own process, failing again) instead of claiming it done; this makes a failed command exit
// with 1, changing nothing else: NocoBase's Application.runAsCLI is wrapped, as @nocobase/server is
// loaded, to set the exit code when the command throws, and rethrow.
'use strict';

const Module = require('module');
const load = Module._load;

Module._load = function loadWithExitCode(request) {
  const exported = load.apply(this, arguments);
  if (request === '@nocobase/server' && exported && exported.Application) {
    const prototype = exported.Application.prototype;
    if (!prototype.runAsCLIWithoutExitCode) {
      prototype.runAsCLIWithoutExitCode = prototype.runAsCLI;
      prototype.runAsCLI = async function runAsCLI(...args) {
        try {
          return await this.runAsCLIWithoutExitCode(...args);
        } catch (error) {
          process.exitCode = 1;
          throw error;
        }
      };
    }
  }
  return exported;
};
