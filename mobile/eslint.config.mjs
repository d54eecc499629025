// @ts-check
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

import { typedConfig } from "../eslint.base.mjs";

export default tseslint.config(
  { ignores: ["dist", ".expo", "expo-env.d.ts"] },
  ...typedConfig(import.meta.dirname),
  reactHooks.configs.flat.recommended,
  // Jest reads its config as CommonJS.
  {
    files: ["jest.config.js"],
    languageOptions: { sourceType: "commonjs", globals: { module: "writable" } },
  },
);
