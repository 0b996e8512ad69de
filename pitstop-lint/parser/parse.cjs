// Parses SQL with PostgreSQL's own parser (libpg_query) for Pitstop's migration linter.
// Reads a JSON array of SQL texts on stdin; writes a JSON array with, for each text, either
// {"tree": <libpg_query's parse tree>} or {"error": <the parser's message>, "position": <offset or null>}.
const { loadModule, parseSync } = require('libpg-query');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', chunk => { input += chunk; });
process.stdin.on('end', async () => {
  await loadModule();
  const results = JSON.parse(input).map(sql => {
    try {
      return { tree: parseSync(sql) };
    } catch (e) {
      return { error: e.message, position: e.sqlDetails ? e.sqlDetails.cursorPosition : null };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
