// Lint: typescript-eslint's recommended rules plus the dependency rule of docs/architecture.md.
import tseslint from 'typescript-eslint';

const layer = (files, regex, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ regex, message }] }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'console/dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  layer(['src/common/*.ts'], '^\\.\\./', 'src/common is pure and imports nothing of ours outside itself'),
  layer(['src/common/*/**'], '^\\.\\./\\.\\./', 'src/common is pure and imports nothing of ours outside itself'),
  layer(['src/apis/**'], '/(api|client|controllers|agent|runtime|lab|cli)/',
    'src/apis may import only src/common'),
  layer(['src/credentials/**'], '/(api|apis|client|controllers|agent|runtime|lab|cli)/',
    'src/credentials (the data directory\'s token file, PKI and kubeconfigs) may import only src/common'),
  layer(['src/api/storage/**'], '/(apis|client|controllers|agent|runtime|lab|cli)/|^\\.\\./[^./]+\\.js$',
    'the store knows no API behaviour'),
  layer(['src/controllers/**', 'src/agent/**', 'src/runtime/**', 'src/lab/**', 'src/client/**'],
    '/api/', 'reach the server only through src/client (the API over the network)'),
  // src/common is pure (its own rule above): the console may share its checks, so that a form says what the API would
  layer(['console/src/**'], '/src/(api|apis|client|controllers|agent|runtime|lab|cli)/', 'the console reaches the server only over HTTP'),
  layer(['console/src/models/**'], '^\\.\\./(?!\\.\\./\\.\\./src/common/)|^react|/src/(?!common/)', 'console/src/models is pure (form → object, YAML): unit-tested under node, no React, no API calls'),
  // a rule of its own name, so that it adds to the layer rules above instead of replacing them
  {
    files: ['src/**', 'test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: '/console/src/(?!models/)', message: 'only console/src/models (pure) is importable outside the console' }] }] },
  },
  layer(['src/cli/**'], '/api/(?!server\\.js$)', 'the CLI reaches the API through src/client; only serve starts the server'),
);
