/**
 * Lint for the n8n node: the rule sets of eslint-plugin-n8n-nodes-base for nodes/ and for the
 * package.json of a community package. The TypeScript itself is checked by `tsc --noEmit`.
 *
 * Version choice: eslint-plugin-n8n-nodes-base 1.15.0 is the newest release without a
 * `preinstall: npx only-allow pnpm` script, which would break a plain `npm ci`. Its sets have no
 * rule against runtime dependencies; the newer @n8n/eslint-plugin-community-nodes has one
 * (no-runtime-dependencies, plus no-restricted-imports/globals for fs and process), but every
 * release of it that has that rule requires n8n-workflow >= 2 as a peer, which cannot be
 * installed beside the n8n-workflow 1.x types this package builds against on Node 20.
 * This package would disable that rule anyway: it is for self-hosted n8n only (not n8n Cloud) and
 * needs csv-parse, piscina, fast-glob, iconv-lite and us at run time, plus worker threads and
 * local file access (checked with n8n's own file-access helper).
 */
module.exports = {
	root: true,
	env: { es2022: true, node: true },
	parser: '@typescript-eslint/parser',
	parserOptions: { sourceType: 'module', ecmaVersion: 2022, extraFileExtensions: ['.json'] },
	plugins: ['n8n-nodes-base'],
	ignorePatterns: ['**/*.js', 'node_modules/**', 'dist/**', 'dist-bench/**'],
	overrides: [
		{
			files: ['package.json'],
			extends: ['plugin:n8n-nodes-base/community'],
		},
		{
			files: ['nodes/**/*.ts'],
			extends: ['plugin:n8n-nodes-base/nodes'],
		},
	],
};
