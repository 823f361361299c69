// ESLint (flat config): typescript-eslint's recommended rules, Prettier owns formatting, and
// import rules that keep the architecture: adapters see only the adapter kit, the core reaches
// adapters only through the registry, and the console shares only the wire types with the server.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const adapterOnly = 'Adapters import only the adapter kit (src/channels/kit), npm packages and their own folder.';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'console/dist/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['express', 'pg', '@electric-sql/pglite'].map((name) => ({ name, message: adapterOnly })),
          patterns: [{ regex: '^\\.\\./(?!\\.\\./src/channels/kit(/|$))', message: adapterOnly }],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/channels/registry.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)adapters(/|$)', message: 'The core reaches adapters only through src/channels/registry.ts.' }] },
      ],
    },
  },
  {
    files: ['src/wire/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./',
              allowTypeImports: true,
              message: 'src/wire is shared with the browser: only type imports of server modules.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['console/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./)+(src/(?!wire(/|$))|adapters/)', message: 'The console shares only src/wire with the server.' }] },
      ],
    },
  },
  {
    // Tests read provider payloads and fixtures loosely on purpose.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['adapters/livechat/widget/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
  {
    files: ['**/*.{js,cjs}'],
    ignores: ['adapters/livechat/widget/**'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
