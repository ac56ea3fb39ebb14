// ESLint (v10) uses the config nearest to each file: the root rules plus React hooks rules.
import reactHooks from 'eslint-plugin-react-hooks';
import root from '../eslint.config.js';

export default [
  ...root,
  {
    files: ['**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
  },
];
