// @ts-check
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

import { typedConfig } from "../eslint.base.mjs";

export default tseslint.config(
  { ignores: ["dist"] },
  ...typedConfig(import.meta.dirname),
  reactHooks.configs.flat.recommended,
);
